<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr">
<context>
    <name>@default</name>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="54"/>
        <source>Check the settings.</source>
        <translation>Vérifiez les paramètres.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="55"/>
        <source>Check the raster and the extent.</source>
        <translation>Vérifiez le raster et l’emprise.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="56"/>
        <source>Check the model in the settings.</source>
        <translation>Vérifiez le modèle dans les paramètres.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="57"/>
        <source>Lower the tile size or max pixels, or choose the CPU, in the settings.</source>
        <translation>Réduisez la taille des tuiles ou le nombre maximal de pixels, ou choisissez le CPU, dans les paramètres.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="58"/>
        <source>Check the server URL and API key (Test connection in the settings).</source>
        <translation>Vérifiez l’URL du serveur et la clé d’API (Tester la connexion dans les paramètres).</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="59"/>
        <source>Wait for the running analysis to finish.</source>
        <translation>Attendez la fin de l’analyse en cours.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="60"/>
        <source>See the RemoteReasoner log tab; check the engine interpreter in the settings.</source>
        <translation>Consultez l’onglet de journal RemoteReasoner ; vérifiez l’interpréteur du moteur dans les paramètres.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="61"/>
        <source>See the RemoteReasoner log tab for details.</source>
        <translation>Consultez l’onglet de journal RemoteReasoner pour les détails.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/layers.py" line="52"/>
        <source>Boxes</source>
        <translation>Boîtes</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/layers.py" line="52"/>
        <source>Masks</source>
        <translation>Masques</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/layers.py" line="52"/>
        <source>Contours</source>
        <translation>Contours</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/layers.py" line="352"/>
        <source>Unknown export format {fmt}: use gpkg, shp or geojson.</source>
        <translation>Format d’export inconnu {fmt} : utilisez gpkg, shp ou geojson.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/layers.py" line="375"/>
        <source>Could not write {path}: {reason}</source>
        <translation>Impossible d’écrire {path} : {reason}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/plugin.py" line="42"/>
        <source>&amp;RemoteReasoner</source>
        <translation>&amp;RemoteReasoner</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/plugin.py" line="43"/>
        <source>Reason on extent</source>
        <translation>Raisonner sur l’emprise</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/plugin.py" line="46"/>
        <source>Ask a question about the imagery and get boxes, masks and contours</source>
        <translation>Posez une question sur l’imagerie et obtenez boîtes, masques et contours</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/plugin.py" line="48"/>
        <source>Settings…</source>
        <translation>Paramètres…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/plugin.py" line="71"/>
        <source>Processing provider not available: {reason}</source>
        <translation>Fournisseur de traitements indisponible : {reason}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="240"/>
        <source>unknown error</source>
        <translation>erreur inconnue</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/worker_pool.py" line="59"/>
        <source>The engine process stopped unexpectedly (exit code {code}). Check the engine set-up in the RemoteReasoner settings; its last output was: {tail}</source>
        <translation>Le processus du moteur s’est arrêté de façon inattendue (code de sortie {code}). Vérifiez l’installation du moteur dans les paramètres de RemoteReasoner ; sa dernière sortie était : {tail}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/worker_pool.py" line="62"/>
        <source>The engine Python cannot be started ({error}). Set up the engine or choose its interpreter in the RemoteReasoner settings.</source>
        <translation>Le Python du moteur ne peut pas démarrer ({error}). Installez le moteur ou choisissez son interpréteur dans les paramètres de RemoteReasoner.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/worker_pool.py" line="63"/>
        <source>The engine failed: {error}</source>
        <translation>Le moteur a échoué : {error}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="22"/>
        <source>reading the image</source>
        <translation>lecture de l’image</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="23"/>
        <source>asking the model</source>
        <translation>interrogation du modèle</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="24"/>
        <source>segmenting</source>
        <translation>segmentation</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="25"/>
        <source>writing results</source>
        <translation>écriture des résultats</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="150"/>
        <source>The layer '{name}' is not a GDAL raster file (provider '{provider}'). Save it as a GeoTIFF first (Export ▸ Save As…).</source>
        <translation>La couche « {name} » n’est pas un fichier raster GDAL (fournisseur « {provider} »). Enregistrez-la d’abord en GeoTIFF (Exporter ▸ Enregistrer sous…).</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="155"/>
        <source>The raster file &apos;{path}&apos; does not exist.</source>
        <translation>Le fichier raster « {path} » n’existe pas.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="65"/>
        <source>No engine interpreter: {path} does not exist or is not executable. Set up the engine (Set up engine…) or set the engine Python in the settings.</source>
        <translation>Aucun interpréteur du moteur : {path} n’existe pas ou n’est pas exécutable. Installez le moteur (Installer le moteur…) ou indiquez le Python du moteur dans les paramètres.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="71"/>
        <source>The engine set-up did not finish ({path}): run Set up engine… again (it repairs the environment).</source>
        <translation>L’installation du moteur n’est pas terminée ({path}) : relancez Installer le moteur… (cela répare l’environnement).</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="83"/>
        <source>No model server: set the server URL in the settings.</source>
        <translation>Aucun serveur de modèle : indiquez l’URL du serveur dans les paramètres.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="86"/>
        <source>No recorded answers file: set the replay file in the settings.</source>
        <translation>Aucun fichier de réponses enregistrées : indiquez le fichier de rejeu dans les paramètres.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="90"/>
        <source>No model: download one under Set up engine… › Models, or choose a local model folder.</source>
        <translation>Aucun modèle : téléchargez-en un dans Installer le moteur… › Modèles, ou choisissez un dossier de modèle local.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="96"/>
        <source>{model} is not downloaded yet: download it under Set up engine… › Models, or choose a local model folder.</source>
        <translation>{model} n’est pas encore téléchargé : téléchargez-le dans Installer le moteur… › Modèles, ou choisissez un dossier de modèle local.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="99"/>
        <source>The download of {model} is incomplete ({file} is missing): download it again under Set up engine… › Models (it resumes).</source>
        <translation>Le téléchargement de {model} est incomplet ({file} manque) : relancez-le dans Installer le moteur… › Modèles (il reprend où il s’était arrêté).</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="104"/>
        <source>The model folder {path} does not exist: choose it again in the settings.</source>
        <translation>Le dossier de modèle {path} n’existe pas : choisissez-le à nouveau dans les paramètres.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="109"/>
        <source>The model folder {path} is not a model: {file} is missing. Choose the folder that holds config.json and the weights.</source>
        <translation>Le dossier {path} n’est pas un modèle : {file} manque. Choisissez le dossier qui contient config.json et les poids.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="117"/>
        <source>Masks and contours need a SAM checkpoint: set it in the settings or tick boxes only.</source>
        <translation>Les masques et contours nécessitent un checkpoint SAM : indiquez-le dans les paramètres ou ne cochez que les boîtes.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="125"/>
        <source>The SAM checkpoint {path} does not exist: choose it again in the settings.</source>
        <translation>Le checkpoint SAM {path} n’existe pas : choisissez-le à nouveau dans les paramètres.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="77"/>
        <source>Devices: {d}</source>
        <translation>Périphériques : {d}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="77"/>
        <source> (CUDA {c})</source>
        <translation> (CUDA {c})</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="80"/>
        <source>{dev}: {name}, {free:.1f} GB free of {total:.1f} GB</source>
        <translation>{dev} : {name}, {free:.1f} Go libres sur {total:.1f} Go</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="83"/>
        <source>torch does not load: {e}</source>
        <translation>torch ne se charge pas : {e}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/plugin.py" line="50"/>
        <source>Set up engine…</source>
        <translation>Installer le moteur…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="54"/>
        <source>Self-test could not run: {e}</source>
        <translation>L’autotest n’a pas pu s’exécuter : {e}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="55"/>
        <source>Self-test passed on {device}</source>
        <translation>Autotest réussi sur {device}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="55"/>
        <source>Self-test FAILED on {device}</source>
        <translation>Autotest ÉCHOUÉ sur {device}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="59"/>
        <source>a check of the installation with a tiny test model, not of a real model.</source>
        <translation>une vérification de l’installation avec un minuscule modèle de test, pas d’un vrai modèle.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/plugin.py" line="79"/>
        <source>A Processing provider &apos;remotereasoner&apos; is already registered; this copy of the plugin does not add another.</source>
        <translation>Un fournisseur de traitements « remotereasoner » est déjà enregistré ; cette copie de l’extension n’en ajoute pas un autre.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="56"/>
        <source>{stage} · view {i} of {n}</source>
        <translation>{stage} · vue {i} sur {n}</translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="87"/>
        <source>%n box(es)</source>
        <translation>
            <numerusform>%n boîte</numerusform>
            <numerusform>%n boîtes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="89"/>
        <source>%n mask(s)</source>
        <translation>
            <numerusform>%n masque</numerusform>
            <numerusform>%n masques</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="91"/>
        <source>%n contour(s)</source>
        <translation>
            <numerusform>%n contour</numerusform>
            <numerusform>%n contours</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="158"/>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="162"/>
        <source>The model's answers could not be read on {k} of %n view(s) — see Reasoning; try another prompt.</source>
        <translation>
            <numerusform>Les réponses du modèle n’ont pas pu être lues sur {k} vue sur %n — voir Raisonnement ; essayez un autre prompt.</numerusform>
            <numerusform>Les réponses du modèle n’ont pas pu être lues sur {k} vues sur %n — voir Raisonnement ; essayez un autre prompt.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="184"/>
        <source>Found {counts}.</source>
        <translation>Trouvé : {counts}.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="193"/>
        <source>the engine stopped the run.</source>
        <translation>le moteur a arrêté l’analyse.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="196"/>
        <source>Cancelled before the first view: nothing was kept.</source>
        <translation>Annulé avant la première vue : rien n’a été conservé.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="34"/>
        <source>Cancelled</source>
        <translation>Annulé</translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="197"/>
        <source>Cancelled: {k} of %n view(s) kept.</source>
        <translation>
            <numerusform>Annulé : {k} vue sur %n conservée.</numerusform>
            <numerusform>Annulé : {k} vues sur %n conservées.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="211"/>
        <source>Answers unreadable</source>
        <translation>Réponses illisibles</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="213"/>
        <source>Done, some answers unreadable</source>
        <translation>Terminé, certaines réponses illisibles</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="214"/>
        <source>Done</source>
        <translation>Terminé</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="241"/>
        <source>Failed: {reason}</source>
        <translation>Échec : {reason}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="34"/>
        <source>Failed</source>
        <translation>Échec</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="96"/>
        <source>Model reasoning (view {i}): {text}</source>
        <translation>Raisonnement du modèle (vue {i}) : {text}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="113"/>
        <source>The prompt file {path} does not exist: choose the prompt again in the settings.</source>
        <translation>Le fichier de prompt {path} n’existe pas : choisissez à nouveau le prompt dans les paramètres.</translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="467"/>
        <source>{layer}: %n feature(s)</source>
        <translation>
            <numerusform>{layer} : %n entité</numerusform>
            <numerusform>{layer} : %n entités</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/ui/dock.py" line="288"/>
        <source>Exported %n file(s): {files}</source>
        <translation>
            <numerusform>%n fichier exporté : {files}</numerusform>
            <numerusform>%n fichiers exportés : {files}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="334"/>
        <source>Connected: %n model(s).</source>
        <translation>
            <numerusform>Connecté : %n modèle.</numerusform>
            <numerusform>Connecté : %n modèles.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/ui/results_table.py" line="85"/>
        <source>{found}: %n box(es) had no mask (SAM found nothing).</source>
        <translation>
            <numerusform>{found} : %n boîte n’a pas de masque (SAM n’a rien trouvé).</numerusform>
            <numerusform>{found} : %n boîtes n’ont pas de masque (SAM n’a rien trouvé).</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="167"/>
        <source>{query} · {layer} (Processing)</source>
        <translation>{query} · {layer} (Traitements)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="122"/>
        <source>SAM {name} is not downloaded yet: download it in the Models tab.</source>
        <translation>SAM {name} n’est pas encore téléchargé : téléchargez-le dans l’onglet Modèles.</translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="93"/>
        <source>%n answer(s)</source>
        <translation>
            <numerusform>%n réponse</numerusform>
            <numerusform>%n réponses</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="188"/>
        <source>Answered on %n view(s).</source>
        <translation>
            <numerusform>Réponse sur %n vue.</numerusform>
            <numerusform>Réponses sur %n vues.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/answer_report.py" line="18"/>
        <source>Ask: {question}</source>
        <translation>Demander : {question}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/answer_report.py" line="18"/>
        <source>Describe</source>
        <translation>Décrire</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/answer_report.py" line="19"/>
        <source>No answer.</source>
        <translation>Pas de réponse.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/answer_report.py" line="31"/>
        <source>Tile</source>
        <translation>Tuile</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/answer_report.py" line="31"/>
        <source>Answer</source>
        <translation>Réponse</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/answer_report.py" line="31"/>
        <source>Count</source>
        <translation>Compte</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/answer_report.py" line="31"/>
        <source>Reasoning</source>
        <translation>Raisonnement</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="28"/>
        <source>Locate: boxes, masks, contours</source>
        <translation>Localiser : boîtes, masques, contours</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="28"/>
        <source>Ask: an answer in text</source>
        <translation>Demander : une réponse en texte</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="29"/>
        <source>Describe: a caption of the area</source>
        <translation>Décrire : une légende de la zone</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/layers.py" line="52"/>
        <source>Answers</source>
        <translation>Réponses</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="137"/>
        <source>Find-all needs SAM 3 ({model}), which is not downloaded yet: it is gated, so request access on huggingface.co/facebook/sam3, set your Hugging Face token in Set up engine… › Models and download it there.</source>
        <translation>Tout trouver nécessite SAM 3 ({model}), qui n’est pas encore téléchargé : son accès est restreint, demandez donc l’accès sur huggingface.co/facebook/sam3, indiquez votre jeton Hugging Face dans Configurer le moteur… › Modèles et téléchargez-le là.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="144"/>
        <source>The SAM 3 folder {path} is not a model ({file} is missing): choose it again under Set up engine… › Models.</source>
        <translation>Le dossier SAM 3 {path} n’est pas un modèle ({file} manque) : choisissez-le à nouveau dans Configurer le moteur… › Modèles.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="30"/>
        <source>Find all: every instance of a noun phrase (SAM 3)</source>
        <translation>Tout trouver : chaque instance d’un groupe nominal (SAM 3)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="199"/>
        <source>Demo: {model}, for {view}, whatever the question.</source>
        <translation>Démo : {model}, pour {view}, quelle que soit la question.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="205"/>
        <source>Masks: tiny test SAM (random weights).</source>
        <translation>Masques : petit SAM de test (poids aléatoires).</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="206"/>
        <source>Real model: RemoteReasoner-7B (16.6 GB) or a server.</source>
        <translation>Vrai modèle : RemoteReasoner-7B (16,6 Go) ou un serveur.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/compare.py" line="51"/>
        <source>The reference must be a polygon layer (the objects you digitised).</source>
        <translation>La référence doit être une couche de polygones (les objets que vous avez numérisés).</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/compare.py" line="60"/>
        <source>Cannot write the reference to {path}: {reason}</source>
        <translation>Impossible d’écrire la référence dans {path} : {reason}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/compare.py" line="77"/>
        <source>Compare masks or boxes, not {layer}.</source>
        <translation>Comparez des masques ou des boîtes, pas {layer}.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/compare.py" line="91"/>
        <source>The RemoteReasoner engine is not set up (no Python at '{path}'): use RemoteReasoner ▸ Set up engine.</source>
        <translation>Le moteur RemoteReasoner n’est pas installé (pas de Python à « {path} ») : utilisez RemoteReasoner ▸ Installer le moteur.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/compare.py" line="101"/>
        <source>The engine could not compare: {reason}</source>
        <translation>Le moteur n’a pas pu comparer : {reason}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/compare.py" line="104"/>
        <source>the engine stopped (exit status {rc})</source>
        <translation>le moteur s’est arrêté (code de sortie {rc})</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/analyst.py" line="21"/>
        <source>Correct results</source>
        <translation>Corriger les résultats</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/analyst.py" line="26"/>
        <source>Compare with a reference layer</source>
        <translation>Comparer avec une couche de référence</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/analyst.py" line="31"/>
        <source>Run history</source>
        <translation>Historique des exécutions</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/analyst.py" line="37"/>
        <source>Copy as command</source>
        <translation>Copier comme commande</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_layer.py" line="29"/>
        <source>Missed</source>
        <translation>Manqué</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_layer.py" line="29"/>
        <source>False alarm</source>
        <translation>Fausse alerte</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_layer.py" line="29"/>
        <source>Matched</source>
        <translation>Apparié</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="31"/>
        <source>overview</source>
        <translation>vue d’ensemble</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="31"/>
        <source>zooming in</source>
        <translation>zoom</translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="116"/>
        <source>%n target(s)</source>
        <translation>
            <numerusform>%n cible</numerusform>
            <numerusform>%n cibles</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/strategy.py" line="22"/>
        <source>Quick — one look at the whole extent</source>
        <translation>Rapide — un seul regard sur toute l’emprise</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/strategy.py" line="23"/>
        <source>Focused — one look, then zoom in on each find</source>
        <translation>Ciblé — un regard, puis un zoom sur chaque trouvaille</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/strategy.py" line="24"/>
        <source>Thorough — every tile at full resolution</source>
        <translation>Exhaustif — chaque tuile en pleine résolution</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/strategy.py" line="32"/>
        <source>One model call. Good for large, obvious targets and for questions about the whole scene; small targets can vanish at the reduced resolution.</source>
        <translation>Un seul appel au modèle. Convient aux cibles grandes et évidentes et aux questions sur toute la scène ; les petites cibles peuvent disparaître à la résolution réduite.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/strategy.py" line="36"/>
        <source>One call per tile at full resolution: the slowest, and the safest for many or small targets.</source>
        <translation>Un appel par tuile en pleine résolution : le plus lent, et le plus sûr pour des cibles nombreuses ou petites.</translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/strategy.py" line="58"/>
        <source>1 model call + 1 per find (Thorough: %n)</source>
        <translation>
            <numerusform>1 appel au modèle + 1 par trouvaille (Exhaustif : %n)</numerusform>
            <numerusform>1 appel au modèle + 1 par trouvaille (Exhaustif : %n)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/strategy.py" line="59"/>
        <source>%n model call(s)</source>
        <translation>
            <numerusform>%n appel au modèle</numerusform>
            <numerusform>%n appels au modèle</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/strategy_choice.py" line="28"/>
        <source>Look</source>
        <translation>Regard</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/strategy_choice.py" line="38"/>
        <source>Model calls this choice will make over the extent</source>
        <translation>Appels au modèle que ce choix fera sur l’emprise</translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="225"/>
        <source>%n view(s) with no data skipped.</source>
        <translation>
            <numerusform>%n vue sans données ignorée.</numerusform>
            <numerusform>%n vues sans données ignorées.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="227"/>
        <source>%n answer(s) reused from identical views in the output, without asking the model.</source>
        <translation>
            <numerusform>%n réponse reprise d'une vue identique déjà dans le résultat, sans interroger le modèle.</numerusform>
            <numerusform>%n réponses reprises de vues identiques déjà dans le résultat, sans interroger le modèle.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/follow_run.py" line="80"/>
        <source>The engine ended the run without an answer.</source>
        <translation>Le moteur a terminé l’exécution sans réponse.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="114"/>
        <source>Type a question first, e.g. “the tree crowns”.</source>
        <translation>Saisissez d’abord une question, par ex. « les couronnes d’arbres ».</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="116"/>
        <source>Choose a raster layer to reason on.</source>
        <translation>Choisissez une couche raster sur laquelle raisonner.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="119"/>
        <source>{name} is not a raster file; save it as a GeoTIFF first.</source>
        <translation>{name} n’est pas un fichier raster ; enregistrez-le d’abord en GeoTIFF.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="121"/>
        <source>Tick at least one of Boxes, Masks, Contours.</source>
        <translation>Cochez au moins Boîtes, Masques ou Contours.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="134"/>
        <source>Cannot create the output folder {path}: {reason}</source>
        <translation>Impossible de créer le dossier de sortie {path} : {reason}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="192"/>
        <source>RemoteReasoner: {q}</source>
        <translation>RemoteReasoner : {q}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/export.py" line="26"/>
        <source>GeoPackage (*.gpkg)</source>
        <translation>GeoPackage (*.gpkg)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/export.py" line="26"/>
        <source>ESRI Shapefile (*.shp)</source>
        <translation>Shapefile ESRI (*.shp)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/export.py" line="27"/>
        <source>GeoJSON (*.geojson)</source>
        <translation>GeoJSON (*.geojson)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/export.py" line="28"/>
        <source>Export results</source>
        <translation>Exporter les résultats</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/engine_env.py" line="78"/>
        <source>Qt cannot tell whether this computer is online ({source}: {detail}); assuming online. Without a network, tick Offline in Settings › Models.</source>
        <translation>Qt ne peut pas dire si cet ordinateur est en ligne ({source} : {detail}) ; il est supposé en ligne. Sans réseau, cochez Hors ligne dans Paramètres › Modèles.</translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="232"/>
        <source>%n overview find(s) kept unconfirmed: their closer look gave no usable answer.</source>
        <translation>
            <numerusform>%n trouvaille de la vue d’ensemble gardée non confirmée : son examen rapproché n’a pas donné de réponse utilisable.</numerusform>
            <numerusform>%n trouvailles de la vue d’ensemble gardées non confirmées : leur examen rapproché n’a pas donné de réponse utilisable.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="235"/>
        <source>%n overview find(s) dropped: not found again on a closer look.</source>
        <translation>
            <numerusform>%n trouvaille de la vue d’ensemble écartée : un examen rapproché ne l’a pas retrouvée.</numerusform>
            <numerusform>%n trouvailles de la vue d’ensemble écartées : un examen rapproché ne les a pas retrouvées.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/strategy.py" line="34"/>
        <source>One call for the overview, then one closer look per candidate, zoomed to fit it: sharper boxes in few calls when the targets are few and visible in the overview.</source>
        <translation>Un appel pour la vue d’ensemble, puis un regard rapproché par candidat, cadré pour le contenir : des boîtes plus précises en peu d’appels quand les cibles sont peu nombreuses et visibles dans la vue d’ensemble.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/strategy.py" line="37"/>
        <source>One call for the overview, then, level by level twice as fine, one call per part that holds a find: also finds smaller targets next to those the overview sees, in a few calls; a small target far from any find is missed.</source>
        <translation>Un appel pour la vue d’ensemble puis, niveau par niveau deux fois plus fin, un appel par partie qui contient une trouvaille : trouve aussi les cibles plus petites voisines de celles que voit la vue d’ensemble, en quelques appels ; une petite cible loin de toute trouvaille est manquée.</translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/strategy.py" line="55"/>
        <source>1 model call + up to {levels} per find (Thorough: %n)</source>
        <translation>
            <numerusform>1 appel au modèle + jusqu’à {levels} par trouvaille (Exhaustif : %n)</numerusform>
            <numerusform>1 appel au modèle + jusqu’à {levels} par trouvaille (Exhaustif : %n)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="155"/>
        <source>%n appeared</source>
        <translation>
            <numerusform>%n apparu</numerusform>
            <numerusform>%n apparus</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="155"/>
        <source>%n disappeared</source>
        <translation>
            <numerusform>%n disparu</numerusform>
            <numerusform>%n disparus</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="156"/>
        <source>%n persisted</source>
        <translation>
            <numerusform>%n inchangé</numerusform>
            <numerusform>%n inchangés</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="190"/>
        <source>Changes: {line}.</source>
        <translation>Changements : {line}.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="75"/>
        <source>Compare with another date: the second raster is the first one.</source>
        <translation>Comparez avec une autre date : le second raster est le premier.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="141"/>
        <source>One answer per tile is for one raster: untick it to ask about both dates.</source>
        <translation>Une réponse par tuile est pour un seul raster : décochez-la pour interroger les deux dates.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="169"/>
        <source>A change between two dates cannot be redone from its answers yet: resume it, or run it again.</source>
        <translation>Un changement entre deux dates ne peut pas encore être refait à partir de ses réponses : reprenez-le, ou relancez-le.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_choice.py" line="22"/>
        <source>Compare with…</source>
        <translation>Comparer avec…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_choice.py" line="28"/>
        <source>A second date of the same ground: the question is located on both rasters and the map shows what appeared (green), disappeared (red) and persisted (grey). Leave it empty to reason on one raster.</source>
        <translation>Une seconde date du même terrain : la question est localisée sur les deux rasters et la carte montre ce qui est apparu (vert), a disparu (rouge) et est resté (gris). Laissez vide pour raisonner sur un seul raster.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_choice.py" line="33"/>
        <source>experimental</source>
        <translation>expérimental</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_choice.py" line="34"/>
        <source>Ask and Describe show both dates to the model in one turn. RemoteReasoner was trained on single images: treat the answer as a hint.</source>
        <translation>Demander et Décrire montrent les deux dates au modèle en un seul tour. RemoteReasoner a été entraîné sur des images uniques : prenez la réponse comme une indication.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/layers.py" line="53"/>
        <source>Appeared</source>
        <translation>Apparus</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/layers.py" line="53"/>
        <source>Disappeared</source>
        <translation>Disparus</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/layers.py" line="53"/>
        <source>Persisted</source>
        <translation>Inchangés</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="121"/>
        <source>box areas</source>
        <translation>aires des boîtes</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="121"/>
        <source>masks</source>
        <translation>masques</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="122"/>
        <source>{covered} {unit} covered ({layer}) · the largest {largest} {unit}</source>
        <translation>{covered} {unit} couverts ({layer}) · le plus grand {largest} {unit}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="125"/>
        <source>the targets&apos; own areas add up to {total} {unit} (they overlap)</source>
        <translation>la somme des aires des cibles est de {total} {unit} (elles se chevauchent)</translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="136"/>
        <source>Dropped %n instance(s) under the score threshold {threshold} (best score {best}).</source>
        <translation>
            <numerusform>%n instance écartée sous le seuil de score {threshold} (meilleur score {best}).</numerusform>
            <numerusform>%n instances écartées sous le seuil de score {threshold} (meilleur score {best}).</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="206"/>
        <source>Lower the score threshold to see them.</source>
        <translation>Abaissez le seuil de score pour les voir.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="206"/>
        <source>All under the threshold</source>
        <translation>Tout sous le seuil</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="185"/>
        <source>recorded answers (human labels), not a live model</source>
        <translation>réponses enregistrées (étiquettes humaines), pas un modèle réel</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="186"/>
        <source>{file}, whole layer</source>
        <translation>{file}, couche entière</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/strategy.py" line="25"/>
        <source>Deep — closer looks, level by level, at each find</source>
        <translation>Approfondi — de plus près, niveau par niveau, sur chaque trouvaille</translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/processing/answer_report.py" line="41"/>
        <source>Model: {model} · view: {size} · %n view(s) · results: {gpkg}</source>
        <translation>
            <numerusform>Modèle : {model} · vue : {size} · %n vue · résultats : {gpkg}</numerusform>
            <numerusform>Modèle : {model} · vue : {size} · %n vues · résultats : {gpkg}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="114"/>
        <source>%n answer(s), one per tile, in the answers layer.</source>
        <translation>
            <numerusform>%n réponse, une par tuile, dans la couche des réponses.</numerusform>
            <numerusform>%n réponses, une par tuile, dans la couche des réponses.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="115"/>
        <source>Sum of per-tile counts: {total} over {k} of %n tile(s).</source>
        <translation>
            <numerusform>Somme des comptes par tuile : {total} sur {k} de %n tuile.</numerusform>
            <numerusform>Somme des comptes par tuile : {total} sur {k} de %n tuiles.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="118"/>
        <source>%n tile(s) gave no number.</source>
        <translation>
            <numerusform>%n tuile n’a donné aucun nombre.</numerusform>
            <numerusform>%n tuiles n’ont donné aucun nombre.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="120"/>
        <source>Tiles overlap by {px} px, so an object in an overlap may be counted twice.</source>
        <translation>Les tuiles se chevauchent de {px} px : un objet dans un chevauchement peut être compté deux fois.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="34"/>
        <source>Finished</source>
        <translation>Terminé</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="36"/>
        <source>Interrupted</source>
        <translation>Interrompu</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/score_threshold.py" line="21"/>
        <source>Find all keeps SAM 3&apos;s instances scoring above this; the end line says how many it dropped</source>
        <translation>Tout trouver garde les instances de SAM 3 dont le score dépasse ce seuil ; la ligne de fin dit combien ont été écartées</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/score_threshold.py" line="32"/>
        <source>Score threshold</source>
        <translation>Seuil de score</translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="50"/>
        <source>{done} of {total} views done on %n Ray worker(s)</source>
        <translation>
            <numerusform>{done} vues sur {total} terminées sur %n worker Ray</numerusform>
            <numerusform>{done} vues sur {total} terminées sur %n workers Ray</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="53"/>
        <source>about {minutes} min left</source>
        <translation>environ {minutes} min restantes</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="203"/>
        <source>Masks: tiny SAM trained on synthetic shapes (not Segment Anything weights).</source>
        <translation>Masques : petit SAM entraîné sur des formes synthétiques (pas les poids de Segment Anything).</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="54"/>
        <source>{stage}, {done} of {total} strips</source>
        <translation>{stage}, bande {done} sur {total}</translation>
    </message>
</context>
<context>
    <name>AnswerPanel</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="41"/>
        <source>Copy answer</source>
        <translation>Copier la réponse</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="42"/>
        <source>Copy the answer and the model&apos;s reasoning to the clipboard</source>
        <translation>Copier la réponse et le raisonnement du modèle dans le presse-papiers</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="46"/>
        <source>Reasoning</source>
        <translation>Raisonnement</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="60"/>
        <source>Waiting for the model's answer…</source>
        <translation>En attente de la réponse du modèle…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="82"/>
        <source>{k} of {n} tiles answered…</source>
        <translation>{k} tuiles sur {n} ont répondu…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="83"/>
        <source>Tile {i}: {answer}</source>
        <translation>Tuile {i} : {answer}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="103"/>
        <source>No answer.</source>
        <translation>Pas de réponse.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="131"/>
        <source>The model saw the extent at {w} × {h} px.</source>
        <translation>Le modèle a vu l’emprise à {w} × {h} px.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="60"/>
        <source>Press Reason on extent: the model&apos;s answer appears here.</source>
        <translation>Cliquez sur Raisonner sur l’emprise : la réponse du modèle s’affichera ici.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="74"/>
        <source>(could not be read)</source>
        <translation>(illisible)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="88"/>
        <source>The model's answer could not be read — what it said is under Reasoning.</source>
        <translation>La réponse du modèle n’a pas pu être lue — ce qu’il a dit se trouve sous Raisonnement.</translation>
    </message>
</context>
<context>
    <name>ChangeAlgorithm</name>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="58"/>
        <source>Locate changes</source>
        <translation>Localiser les changements</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="61"/>
        <source>change,change detection,two dates,before,after,appeared,disappeared,buildings</source>
        <translation>changement,détection de changements,deux dates,avant,après,apparus,disparus,bâtiments</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="64"/>
        <source>Asks the same question of two images of the same ground (e.g. &apos;buildings&apos; on the 2019 and the 2024 flights) and matches the targets: Appeared (green) holds the targets of the second date alone, Disappeared (red) those of the first date alone, Persisted (grey) the pairs, with their overlap (IoU), both areas and both reasonings. The second date is read on the first date&apos;s grid (another CRS or resolution is handled), over the ground both cover; the layers are in the first date&apos;s CRS.

Two flights never align to the pixel: the shift between them is measured from the imagery and undone, unless a tolerance is given (targets then may move up to that many metres between the dates). Two targets are one when their outlines overlap at least the minimum IoU.</source>
        <translation>Pose la même question sur deux images du même terrain (p. ex. « bâtiments » sur les vols de 2019 et de 2024) et apparie les cibles : Apparus (vert) contient les cibles de la seconde date seule, Disparus (rouge) celles de la première date seule, Inchangés (gris) les paires, avec leur recouvrement (IoU), les deux surfaces et les deux raisonnements. La seconde date est lue sur la grille de la première (un autre SCR ou une autre résolution sont pris en charge), sur le terrain couvert par les deux ; les couches sont dans le SCR de la première date.

Deux vols ne sont jamais alignés au pixel près : le décalage entre eux est mesuré sur les images puis annulé, sauf si une tolérance est donnée (les cibles peuvent alors se déplacer d'autant de mètres entre les dates). Deux cibles n'en font qu'une quand leurs contours se recouvrent au moins de l'IoU minimal.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="78"/>
        <source>Second date (compare with)</source>
        <translation>Seconde date (comparer avec)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="79"/>
        <source>Tolerance in metres (empty: measure the shift between the dates)</source>
        <translation>Tolérance en mètres (vide : mesurer le décalage entre les dates)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="83"/>
        <source>Same target at an overlap (IoU) of at least</source>
        <translation>Même cible à partir d'un recouvrement (IoU) de</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="86"/>
        <source>Recorded answers of the second date (replay backend)</source>
        <translation>Réponses enregistrées de la seconde date (backend replay)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="86"/>
        <source>Recorded answers (*.jsonl *.gpkg)</source>
        <translation>Réponses enregistrées (*.jsonl *.gpkg)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="92"/>
        <source>Appeared</source>
        <translation>Apparus</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="92"/>
        <source>Disappeared</source>
        <translation>Disparus</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="93"/>
        <source>Persisted</source>
        <translation>Inchangés</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="98"/>
        <source>Summary</source>
        <translation>Résumé</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="111"/>
        <source>The second date cannot be opened: choose a raster layer or file.</source>
        <translation>La seconde date ne peut pas être ouverte : choisissez une couche ou un fichier raster.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="124"/>
        <source>The RemoteReasoner engine is not set up (no Python at '{path}'). Use RemoteReasoner ▸ Set up engine, or choose the engine interpreter in the settings.</source>
        <translation>Le moteur RemoteReasoner n’est pas installé (aucun Python à « {path} »). Utilisez RemoteReasoner ▸ Installer le moteur, ou choisissez l’interpréteur du moteur dans les paramètres.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="127"/>
        <source>Locating &apos;{query}&apos; on {first} and on {second}</source>
        <translation>Localisation de « {query} » sur {first} et sur {second}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="133"/>
        <source>Waiting for the RemoteReasoner run in progress to finish…</source>
        <translation>Attente de la fin de l’exécution RemoteReasoner en cours…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="165"/>
        <source>Done in {seconds:.1f} s; both dates&apos; results and the model answers are in {gpkg}</source>
        <translation>Terminé en {seconds:.1f} s ; les résultats des deux dates et les réponses du modèle sont dans {gpkg}</translation>
    </message>
</context>
<context>
    <name>CommandPanel</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/command_panel.py" line="39"/>
        <source>Show the commands for the current question</source>
        <translation>Afficher les commandes de la question actuelle</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/command_panel.py" line="41"/>
        <source>Command line (the engine&apos;s Python on the other machine)</source>
        <translation>Ligne de commande (le Python du moteur sur l’autre machine)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/command_panel.py" line="46"/>
        <source>QGIS Processing (qgis_process)</source>
        <translation>Traitements QGIS (qgis_process)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/command_panel.py" line="55"/>
        <source>Copy command line</source>
        <translation>Copier la ligne de commande</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/command_panel.py" line="56"/>
        <source>Copy qgis_process command</source>
        <translation>Copier la commande qgis_process</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/command_panel.py" line="70"/>
        <source>Type a question first.</source>
        <translation>Saisissez d’abord une question.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/command_panel.py" line="72"/>
        <source>Choose a raster file layer.</source>
        <translation>Choisissez une couche raster issue d’un fichier.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/command_panel.py" line="74"/>
        <source>Tick at least one of Boxes, Masks, Contours.</source>
        <translation>Cochez au moins Boîtes, Masques ou Contours.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/command_panel.py" line="94"/>
        <source>Set {var} to the server&apos;s API key first (the key is never in the command).</source>
        <translation>Définissez d’abord {var} avec la clé d’API du serveur (la clé n’est jamais dans la commande).</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/command_panel.py" line="98"/>
        <source>qgis_process takes {names} from that machine&apos;s RemoteReasoner settings.</source>
        <translation>qgis_process prend {names} dans les paramètres RemoteReasoner de cette machine.</translation>
    </message>
</context>
<context>
    <name>CompareAlgorithm</name>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="63"/>
        <source>Compare with a reference layer</source>
        <translation>Comparer avec une couche de référence</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="66"/>
        <source>Scores a RemoteReasoner run (its result GeoPackage) against polygons you trust, on the run raster's pixel grid: IoU (for one layer gIoU = cIoU = IoU), and object by object at IoU ≥ 0.5 how many results match a reference, how many references were missed and how many results are false alarms. The reference may be in any CRS. The output layer holds the misses and the false alarms.</source>
        <translation>Évalue une exécution RemoteReasoner (son GeoPackage de résultats) par rapport à des polygones de confiance, sur la grille de pixels du raster de l’exécution : l’IoU (pour une couche gIoU = cIoU = IoU) et, objet par objet à IoU ≥ 0,5, combien de résultats correspondent à une référence, combien de références ont été manquées et combien de résultats sont de fausses alertes. La référence peut être dans n’importe quel SCR. La couche en sortie contient les manqués et les fausses alertes.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="73"/>
        <source>Run result (GeoPackage)</source>
        <translation>Résultat de l’exécution (GeoPackage)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="73"/>
        <source>GeoPackage (*.gpkg)</source>
        <translation>GeoPackage (*.gpkg)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="75"/>
        <source>Result layer</source>
        <translation>Couche de résultats</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="77"/>
        <source>Reference polygons</source>
        <translation>Polygones de référence</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="79"/>
        <source>Raster (default: the run&apos;s)</source>
        <translation>Raster (par défaut : celui de l’exécution)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="81"/>
        <source>Run id (default: the newest run)</source>
        <translation>Identifiant d’exécution (par défaut : la plus récente)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="83"/>
        <source>Misses and false alarms</source>
        <translation>Manqués et fausses alertes</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="85"/>
        <source>Matched objects</source>
        <translation>Objets appariés</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="85"/>
        <source>Missed reference objects</source>
        <translation>Objets de référence manqués</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="85"/>
        <source>False alarms</source>
        <translation>Fausses alertes</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="89"/>
        <source>Summary</source>
        <translation>Résumé</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="96"/>
        <source>The run result &apos;{path}&apos; does not exist.</source>
        <translation>Le résultat d’exécution « {path} » n’existe pas.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="100"/>
        <source>The reference layer cannot be read.</source>
        <translation>La couche de référence est illisible.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="120"/>
        <source>IoU {iou} (gIoU {giou}, cIoU {ciou}); {matched} matched, {missed} missed, {false} false alarms</source>
        <translation>IoU {iou} (gIoU {giou}, cIoU {ciou}) ; {matched} appariés, {missed} manqués, {false} fausses alertes</translation>
    </message>
</context>
<context>
    <name>ComparePanel</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="67"/>
        <source>Result (a run&apos;s masks or boxes)</source>
        <translation>Résultat (masques ou boîtes d’une exécution)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="71"/>
        <source>Reference polygons</source>
        <translation>Polygones de référence</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="77"/>
        <source>Compare</source>
        <translation>Comparer</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="86"/>
        <source>Object</source>
        <translation>Objet</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="86"/>
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="86"/>
        <source>IoU</source>
        <translation>IoU</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="86"/>
        <source>Best partner</source>
        <translation>Meilleur partenaire</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="108"/>
        <source>Choose the masks or boxes layer of a RemoteReasoner run as the result.</source>
        <translation>Choisissez comme résultat la couche de masques ou de boîtes d’une exécution RemoteReasoner.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="110"/>
        <source>Choose the reference polygon layer to compare with.</source>
        <translation>Choisissez la couche de polygones de référence à comparer.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="125"/>
        <source>Comparing…</source>
        <translation>Comparaison…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="139"/>
        <source>Comparison failed: {reason}</source>
        <translation>Échec de la comparaison : {reason}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="139"/>
        <source>cancelled</source>
        <translation>annulée</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="149"/>
        <source>IoU {iou} (gIoU {giou}, cIoU {ciou}) · {matched} matched, {missed} missed, {false} false alarms of {n_pred} results / {n_ref} reference objects</source>
        <translation>IoU {iou} (gIoU {giou}, cIoU {ciou}) · {matched} appariés, {missed} manqués, {false} fausses alertes sur {n_pred} résultats / {n_ref} objets de référence</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="160"/>
        <source>Result #{id}</source>
        <translation>Résultat n° {id}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="160"/>
        <source>Reference #{id}</source>
        <translation>Référence n° {id}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="169"/>
        <source>Misses and false alarms · {name}</source>
        <translation>Manqués et fausses alertes · {name}</translation>
    </message>
</context>
<context>
    <name>CorrectPanel</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="37"/>
        <source>Select a result on the map, press Points, then click: left = part of the object, right = background.</source>
        <translation>Sélectionnez un résultat sur la carte, appuyez sur Points, puis cliquez : gauche = partie de l’objet, droit = fond.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="42"/>
        <source>Points</source>
        <translation>Points</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="44"/>
        <source>Undo</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="45"/>
        <source>Add object…</source>
        <translation>Ajouter un objet…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="46"/>
        <source>Draw a box around a missed object</source>
        <translation>Tracez une boîte autour d’un objet manqué</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="47"/>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="48"/>
        <source>Delete the selected (false) result</source>
        <translation>Supprimer le résultat (faux) sélectionné</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="86"/>
        <source>Select one result of the run first.</source>
        <translation>Sélectionnez d’abord un résultat de l’exécution.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="93"/>
        <source>Target #{id}: click on the map.</source>
        <translation>Cible n° {id} : cliquez sur la carte.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="119"/>
        <source>Select the result to delete first.</source>
        <translation>Sélectionnez d’abord le résultat à supprimer.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="148"/>
        <source>Run a question first, or reopen a run from the history.</source>
        <translation>Posez d’abord une question, ou rouvrez une exécution depuis l’historique.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="150"/>
        <source>Wait for the correction in progress.</source>
        <translation>Attendez la fin de la correction en cours.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="152"/>
        <source>Wait for the running analysis to finish.</source>
        <translation>Attendez la fin de l’analyse en cours.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="156"/>
        <source>Segmenting…</source>
        <translation>Segmentation…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="163"/>
        <source>Correction failed: {reason}</source>
        <translation>Échec de la correction : {reason}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="169"/>
        <source>Target #{id} re-segmented</source>
        <translation>Cible n° {id} resegmentée</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="169"/>
        <source>Target #{id} added</source>
        <translation>Cible n° {id} ajoutée</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="170"/>
        <source>Target #{id} deleted</source>
        <translation>Cible n° {id} supprimée</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="170"/>
        <source>Undone: target #{id}</source>
        <translation>Annulé : cible n° {id}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="174"/>
        <source> · {ms:.0f} ms</source>
        <translation> · {ms:.0f} ms</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="173"/>
        <source> · {area} m²</source>
        <translation> · {area} m²</translation>
    </message>
</context>
<context>
    <name>ExtentChoice</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/extent_choice.py" line="57"/>
        <source>Extent</source>
        <translation>Emprise</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/extent_choice.py" line="60"/>
        <source>Current map view</source>
        <translation>Vue courante de la carte</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/extent_choice.py" line="60"/>
        <source>Whole layer</source>
        <translation>Couche entière</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/extent_choice.py" line="60"/>
        <source>Rectangle drawn on the map</source>
        <translation>Rectangle dessiné sur la carte</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/extent_choice.py" line="60"/>
        <source>Bounding box of selected features</source>
        <translation>Emprise des entités sélectionnées</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/extent_choice.py" line="67"/>
        <source>Draw…</source>
        <translation>Dessiner…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/extent_choice.py" line="70"/>
        <source>Clear</source>
        <translation>Effacer</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/extent_choice.py" line="71"/>
        <source>Remove the rectangle drawn on the map</source>
        <translation>Retirer le rectangle dessiné sur la carte</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/extent_choice.py" line="145"/>
        <source>No rectangle drawn: press Draw… and drag a rectangle on the map.</source>
        <translation>Aucun rectangle dessiné : cliquez sur Dessiner… puis tracez un rectangle sur la carte.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/extent_choice.py" line="150"/>
        <source>No selected features: select features in the active vector layer.</source>
        <translation>Aucune entité sélectionnée : sélectionnez des entités dans la couche vecteur active.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/extent_choice.py" line="158"/>
        <source>The extent does not overlap the raster {name}.</source>
        <translation>L’emprise ne recouvre pas le raster {name}.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/extent_choice.py" line="155"/>
        <source>The extent cannot be reprojected to the raster&apos;s CRS {crs}: zoom to the raster {name}, or choose Whole layer.</source>
        <translation>L’emprise ne peut pas être reprojetée dans le SCR du raster {crs} : zoomez sur le raster {name} ou choisissez Couche entière.</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="56"/>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="60"/>
        <source>Question</source>
        <translation>Question</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="60"/>
        <source>Raster</source>
        <translation>Raster</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="60"/>
        <source>Started (UTC)</source>
        <translation>Début (UTC)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="60"/>
        <source>Boxes</source>
        <translation>Boîtes</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="60"/>
        <source>Masks</source>
        <translation>Masques</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="60"/>
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="68"/>
        <source>Reopen</source>
        <translation>Rouvrir</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="69"/>
        <source>Resume</source>
        <translation>Reprendre</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="70"/>
        <source>Redo post-processing</source>
        <translation>Refaire le post-traitement</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="71"/>
        <source>Segment and vectorise the run again from its recorded answers (the model is not asked again)</source>
        <translation>Segmenter et vectoriser à nouveau l’exécution à partir de ses réponses enregistrées (le modèle n’est pas réinterrogé)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="78"/>
        <source>empty: boxes only</source>
        <translation>vide : boîtes seulement</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="79"/>
        <source>SAM</source>
        <translation>SAM</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="83"/>
        <source>Simplify (map units)</source>
        <translation>Simplification (unités de carte)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="87"/>
        <source>Minimum area (map units²)</source>
        <translation>Surface minimale (unités de carte²)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="107"/>
        <source>Runs in {folder}</source>
        <translation>Exécutions dans {folder}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="152"/>
        <source>Resuming “{q}”…</source>
        <translation>Reprise de « {q} »…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="159"/>
        <source>Redoing the post-processing of “{q}” from its recorded answers…</source>
        <translation>Nouveau post-traitement de « {q} » à partir de ses réponses enregistrées…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="164"/>
        <source>Wait for the running analysis to finish.</source>
        <translation>Attendez la fin de l’analyse en cours.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="184"/>
        <source>Failed: {reason}</source>
        <translation>Échec : {reason}</translation>
    </message>
</context>
<context>
    <name>ModeHint</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/mode_choice.py" line="34"/>
        <source>Find all takes a short noun phrase, not a sentence: try “{phrase}”.</source>
        <translation>Tout trouver attend un groupe nominal court, pas une phrase : essayez « {phrase} ».</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/mode_choice.py" line="34"/>
        <source>Find all takes a short noun phrase, e.g. “tree crown”.</source>
        <translation>Tout trouver attend un groupe nominal court, par ex. « houppier ».</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/mode_choice.py" line="37"/>
        <source>Find all: type a short noun phrase naming the objects, e.g. “tree crown”; SAM 3 outlines every instance with its score.</source>
        <translation>Tout trouver : tapez un groupe nominal court qui nomme les objets, par ex. « houppier » ; SAM 3 délimite chaque instance avec son score.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/mode_choice.py" line="45"/>
        <source>Many objects per view ({n} in all): Find all (SAM 3) with “{phrase}” may find every one of them.</source>
        <translation>Beaucoup d’objets par vue ({n} en tout) : Tout trouver (SAM 3) avec « {phrase} » pourrait les trouver tous.</translation>
    </message>
</context>
<context>
    <name>ModelsWidget</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="85"/>
        <source>SAM checkpoints folder</source>
        <translation>Dossier des checkpoints SAM</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="86"/>
        <source>Offline: never download, use only files already here</source>
        <translation>Hors ligne : ne jamais télécharger, n’utiliser que les fichiers déjà présents</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="116"/>
        <source>Download</source>
        <translation>Télécharger</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="117"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="118"/>
        <source>Use</source>
        <translation>Utiliser</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="237"/>
        <source>Use a local folder…</source>
        <translation>Utiliser un dossier local…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="120"/>
        <source>Test load</source>
        <translation>Tester le chargement</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="121"/>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="237"/>
        <source>Use a local file…</source>
        <translation>Utiliser un fichier local…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="257"/>
        <source>Set up the engine first (Engine tab): downloads run in the engine environment.</source>
        <translation>Installez d’abord le moteur (onglet Moteur) : les téléchargements s’exécutent dans l’environnement du moteur.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="280"/>
        <source>RemoteReasoner: model states</source>
        <translation>RemoteReasoner : état des modèles</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="292"/>
        <source>Could not read the model states: {m}</source>
        <translation>Impossible de lire l’état des modèles : {m}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="297"/>
        <source>Select a model in the list first.</source>
        <translation>Sélectionnez d’abord un modèle dans la liste.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="303"/>
        <source>RemoteReasoner: downloading {m}</source>
        <translation>RemoteReasoner : téléchargement de {m}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="310"/>
        <source>Downloading {m}…</source>
        <translation>Téléchargement de {m}…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="328"/>
        <source>Downloaded: {path}</source>
        <translation>Téléchargé : {path}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="340"/>
        <source>Cancelling… the partial download is kept and resumes next time.</source>
        <translation>Annulation… le téléchargement partiel est conservé et reprendra la prochaine fois.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="371"/>
        <source>Runs now use {m}.</source>
        <translation>Les exécutions utilisent désormais {m}.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="379"/>
        <source>SAM checkpoint</source>
        <translation>Checkpoint SAM</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="379"/>
        <source>SAM checkpoint (*.pth *.pt)</source>
        <translation>Checkpoint SAM (*.pth *.pt)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="382"/>
        <source>Model folder (config.json and weights)</source>
        <translation>Dossier du modèle (config.json et poids)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="395"/>
        <source>{path} is not a model folder: {file} is missing. Choose the folder that holds config.json and the weights.</source>
        <translation>{path} n’est pas un dossier de modèle : {file} manque. Choisissez le dossier qui contient config.json et les poids.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="405"/>
        <source>{path} is neither a model folder nor a SAM checkpoint (.pth).</source>
        <translation>{path} n’est ni un dossier de modèle ni un checkpoint SAM (.pth).</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="408"/>
        <source>Runs now use {path}.</source>
        <translation>Les exécutions utilisent désormais {path}.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="427"/>
        <source>Loading the model in the engine… (a 7B model takes a minute)</source>
        <translation>Chargement du modèle dans le moteur… (un modèle 7B prend une minute)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="150"/>
        <source>Model</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="150"/>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="150"/>
        <source>Licence</source>
        <translation>Licence</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="150"/>
        <source>Source</source>
        <translation>Source</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="150"/>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="153"/>
        <source>absent</source>
        <translation>absent</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="153"/>
        <source>present</source>
        <translation>présent</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="153"/>
        <source>partial</source>
        <translation>partiel</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="154"/>
        <source>downloading</source>
        <translation>en téléchargement</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="154"/>
        <source>corrupt</source>
        <translation>corrompu</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="213"/>
        <source>{title} — runs use this model</source>
        <translation>{title} — les analyses utilisent ce modèle</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="442"/>
        <source>{model} and {sam}</source>
        <translation>{model} et {sam}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="448"/>
        <source>The model loads: {model}.</source>
        <translation>Le modèle se charge : {model}.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="448"/>
        <source>{model} does not load: {why}</source>
        <translation>{model} ne se charge pas : {why}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="92"/>
        <source>An authentication configuration whose password or token is your Hugging Face access token (read access), for gated models such as SAM 3. HF_TOKEN in the environment works too.</source>
        <translation>Une configuration d’authentification dont le mot de passe ou le jeton est votre jeton d’accès Hugging Face (lecture), pour les modèles à accès restreint comme SAM 3. HF_TOKEN dans l’environnement convient aussi.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="95"/>
        <source>Hugging Face token</source>
        <translation>Jeton Hugging Face</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="245"/>
        <source>{m} is gated on Hugging Face: request access on https://huggingface.co/{src} (accept the {licence}), then download with your access token.</source>
        <translation>L’accès à {m} est restreint sur Hugging Face : demandez l’accès sur https://huggingface.co/{src} (acceptez la {licence}), puis téléchargez avec votre jeton d’accès.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="249"/>
        <source>No token yet: choose an authentication configuration holding it under &quot;Hugging Face token&quot; (or set HF_TOKEN).</source>
        <translation>Pas encore de jeton : choisissez une configuration d’authentification qui le contient sous « Jeton Hugging Face » (ou définissez HF_TOKEN).</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="205"/>
        <source>{title} — chosen in the settings, not downloaded yet</source>
        <translation>{title} — choisi dans les paramètres, pas encore téléchargé</translation>
    </message>
</context>
<context>
    <name>MosaicAlgorithm</name>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="82"/>
        <source>Reason over a mosaic</source>
        <translation>Raisonner sur une mosaïque</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="85"/>
        <source>Asks one question over a mosaic of GeoTIFFs that share edges and one CRS: a folder of them, a VRT, or a tile index layer (as gdaltindex writes, with a &apos;location&apos; field). The answer is that of one run over their VRT: a target cut by the edge between two files comes out once, and each feature names its source file in the &apos;raster&apos; field. The work is split in parts that run in parallel on Ray, on this computer or on a cluster (Ray address). Run it again after an interruption: finished parts are kept. An unreadable file is skipped and named; a file in another CRS or resolution is refused unless &apos;Leave out files on another grid&apos; is checked. The model and the tiling come from the RemoteReasoner settings.</source>
        <translation>Pose une seule question sur une mosaïque de GeoTIFF qui partagent leurs bords et un même SCR : un dossier de fichiers, un VRT ou une couche d’index de tuiles (comme l’écrit gdaltindex, avec un champ « location »). La réponse est celle d’une exécution sur leur VRT : une cible coupée par le bord entre deux fichiers ne sort qu’une fois, et chaque entité nomme son fichier source dans le champ « raster ». Le travail est découpé en parties exécutées en parallèle sur Ray, sur cet ordinateur ou sur une grappe (adresse Ray). Relancez après une interruption : les parties terminées sont conservées. Un fichier illisible est ignoré et nommé ; un fichier dans un autre SCR ou une autre résolution est refusé, sauf si « Écarter les fichiers d’une autre grille » est coché. Le modèle et le tuilage viennent des paramètres de RemoteReasoner.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="100"/>
        <source>Folder of GeoTIFFs</source>
        <translation>Dossier de GeoTIFF</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="102"/>
        <source>…or a VRT or tile index file</source>
        <translation>…ou un fichier VRT ou d’index de tuiles</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="102"/>
        <source>Mosaics (*.vrt *.gpkg *.shp *.geojson)</source>
        <translation>Mosaïques (*.vrt *.gpkg *.shp *.geojson)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="105"/>
        <source>…or a tile index layer</source>
        <translation>…ou une couche d’index de tuiles</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="107"/>
        <source>Question (what to look for)</source>
        <translation>Question (ce qu’il faut chercher)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="108"/>
        <source>Results</source>
        <translation>Résultats</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="111"/>
        <source>Boxes</source>
        <translation>Boîtes</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="111"/>
        <source>Masks</source>
        <translation>Masques</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="111"/>
        <source>Contours</source>
        <translation>Contours</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="115"/>
        <source>Ray cluster address (empty: Ray on this computer)</source>
        <translation>Adresse de la grappe Ray (vide : Ray sur cet ordinateur)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="117"/>
        <source>Leave out files on another grid (CRS, resolution, bands)</source>
        <translation>Écarter les fichiers d’une autre grille (SCR, résolution, bandes)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="121"/>
        <source>Model servers for the openai backend, comma separated (empty: from the settings)</source>
        <translation>Serveurs de modèle pour le backend openai, séparés par des virgules (vide : ceux des paramètres)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="124"/>
        <source>Recorded answers (replay backend instead of the model)</source>
        <translation>Réponses enregistrées (backend de rejeu au lieu du modèle)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="124"/>
        <source>Recorded answers (*.jsonl *.gpkg)</source>
        <translation>Réponses enregistrées (*.jsonl *.gpkg)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="130"/>
        <source>Result GeoPackage (all layers, model answers)</source>
        <translation>GeoPackage de résultats (toutes les couches, réponses du modèle)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="140"/>
        <source>Choose one mosaic: a folder of GeoTIFFs, a VRT or tile index file, or a tile index layer.</source>
        <translation>Choisissez une seule mosaïque : un dossier de GeoTIFF, un fichier VRT ou d’index de tuiles, ou une couche d’index de tuiles.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="143"/>
        <source>The mosaic &apos;{path}&apos; does not exist.</source>
        <translation>La mosaïque « {path} » n’existe pas.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="152"/>
        <source>The question is empty: type what to look for, e.g. &apos;storage tanks&apos;.</source>
        <translation>La question est vide : saisissez ce qu’il faut chercher, par ex. « réservoirs ».</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="159"/>
        <source>Masks and contours need a SAM checkpoint: set one in the RemoteReasoner settings, or ask for boxes only.</source>
        <translation>Les masques et contours nécessitent un checkpoint SAM : indiquez-en un dans les paramètres de RemoteReasoner, ou ne demandez que les boîtes.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="163"/>
        <source>The RemoteReasoner engine is not set up (no Python at '{path}'). Use RemoteReasoner ▸ Set up engine, or choose the engine interpreter in the settings.</source>
        <translation>Le moteur RemoteReasoner n’est pas installé (aucun Python à « {path} »). Utilisez RemoteReasoner ▸ Installer le moteur, ou choisissez l’interpréteur du moteur dans les paramètres.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="174"/>
        <source>Asking &apos;{query}&apos; over the mosaic {mosaic} on Ray ({where})</source>
        <translation>Question « {query} » sur la mosaïque {mosaic} avec Ray ({where})</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="174"/>
        <source>this computer</source>
        <translation>cet ordinateur</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="183"/>
        <source>The mosaic run was cancelled; run it again to continue (finished parts are kept).</source>
        <translation>L’exécution sur la mosaïque a été annulée ; relancez-la pour continuer (les parties terminées sont conservées).</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="208"/>
        <source>Left out: {file}</source>
        <translation>Écarté : {file}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="209"/>
        <source>{files} file(s) in {parts} part(s), {reused} kept from an earlier run; done in {seconds:.1f} s; all results and the model answers are in {gpkg}</source>
        <translation>{files} fichier(s) en {parts} partie(s), dont {reused} conservée(s) d’une exécution précédente ; terminé en {seconds:.1f} s ; tous les résultats et les réponses du modèle sont dans {gpkg}</translation>
    </message>
</context>
<context>
    <name>QuestionPanel</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="40"/>
        <source>Raster layer</source>
        <translation>Couche raster</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="48"/>
        <source>Mode</source>
        <translation>Mode</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="54"/>
        <source>One answer per tile</source>
        <translation>Une réponse par tuile</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="55"/>
        <source>Ask each tile at full resolution and map the answers on the tile footprints, instead of one view of the whole extent</source>
        <translation>Interroger chaque tuile à pleine résolution et cartographier les réponses sur l’emprise des tuiles, au lieu d’une vue de toute l’emprise</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="61"/>
        <source>Question</source>
        <translation>Question</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="64"/>
        <source>Recent questions</source>
        <translation>Questions récentes</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="68"/>
        <source>Ask one of your recent questions again</source>
        <translation>Reposer une de vos questions récentes</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="80"/>
        <source>Boxes</source>
        <translation>Boîtes</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="81"/>
        <source>Masks</source>
        <translation>Masques</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="82"/>
        <source>Contours</source>
        <translation>Contours</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="148"/>
        <source>e.g. How many ships are in the harbour?</source>
        <translation>par ex. Combien de navires sont dans le port ?</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="148"/>
        <source>No question needed: the model describes the area</source>
        <translation>Aucune question nécessaire : le modèle décrit la zone</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="148"/>
        <source>e.g. every tree crown in the clearing</source>
        <translation>par ex. chaque couronne d’arbre dans la clairière</translation>
    </message>
</context>
<context>
    <name>ReasonAlgorithm</name>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="228"/>
        <source>Reason over raster</source>
        <translation>Raisonner sur un raster</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="231"/>
        <source>detection,segmentation,LLM,VLM,question,boxes,masks,contours,SAM,Qwen</source>
        <translation>détection,segmentation,LLM,VLM,question,boîtes,masques,contours,SAM,Qwen</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="258"/>
        <source>Input raster</source>
        <translation>Raster en entrée</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="260"/>
        <source>Question (what to look for)</source>
        <translation>Question (ce qu’il faut chercher)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="262"/>
        <source>Extent (default: the whole raster)</source>
        <translation>Emprise (par défaut : tout le raster)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="264"/>
        <source>Results</source>
        <translation>Résultats</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="269"/>
        <source>Boxes</source>
        <translation>Boîtes</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="269"/>
        <source>Masks</source>
        <translation>Masques</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="269"/>
        <source>Contours</source>
        <translation>Contours</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="297"/>
        <source>Tile size (pixels)</source>
        <translation>Taille des tuiles (pixels)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="299"/>
        <source>Tile overlap (pixels)</source>
        <translation>Chevauchement des tuiles (pixels)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="301"/>
        <source>Maximum model input pixels per tile</source>
        <translation>Nombre maximal de pixels d’entrée du modèle par tuile</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="303"/>
        <source>Model backend</source>
        <translation>Moteur d’inférence du modèle</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="305"/>
        <source>Model (folder, Hugging Face id or server model name; empty: from the settings)</source>
        <translation>Modèle (dossier, identifiant Hugging Face ou nom du modèle sur le serveur ; vide : selon les paramètres)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="310"/>
        <source>Device (auto, cpu, cuda, cuda:N)</source>
        <translation>Périphérique (auto, cpu, cuda, cuda:N)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="311"/>
        <source>Simplify tolerance (map units)</source>
        <translation>Tolérance de simplification (unités de la carte)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="313"/>
        <source>Minimum mask area (map units²)</source>
        <translation>Surface minimale des masques (unités de la carte²)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="315"/>
        <source>Recorded answers for the replay backend (.jsonl or result .gpkg)</source>
        <translation>Réponses enregistrées pour le rejeu (.jsonl ou .gpkg de résultats)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="315"/>
        <source>Recorded answers (*.jsonl *.gpkg)</source>
        <translation>Réponses enregistrées (*.jsonl *.gpkg)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="317"/>
        <source>Model server URL for the openai backend (empty: from the settings)</source>
        <translation>URL du serveur de modèle pour le moteur openai (vide : selon les paramètres)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="329"/>
        <source>Result GeoPackage (all layers, model answers)</source>
        <translation>GeoPackage de résultats (toutes les couches, réponses du modèle)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="330"/>
        <source>Run id</source>
        <translation>Identifiant d’exécution</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="360"/>
        <source>The question is empty: type what to look for, e.g. &apos;storage tanks&apos;.</source>
        <translation>La question est vide : saisissez ce qu’il faut chercher, par ex. « réservoirs ».</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="342"/>
        <source>Choose at least one kind of result: boxes, masks or contours.</source>
        <translation>Choisissez au moins un type de résultat : boîtes, masques ou contours.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="354"/>
        <source>The input raster cannot be opened: choose a raster layer or an existing raster file.</source>
        <translation>Le raster en entrée ne peut pas être ouvert : choisissez une couche raster ou un fichier raster existant.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="388"/>
        <source>The SAM checkpoint &apos;{path}&apos; does not exist: download one in the RemoteReasoner model manager or choose another file.</source>
        <translation>Le checkpoint SAM « {path} » n’existe pas : téléchargez-en un dans le gestionnaire de modèles RemoteReasoner ou choisissez un autre fichier.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="391"/>
        <source>The recorded answers file &apos;{path}&apos; does not exist.</source>
        <translation>Le fichier de réponses enregistrées « {path} » n’existe pas.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="395"/>
        <source>Masks and contours need a SAM checkpoint: set &apos;SAM checkpoint&apos; in the advanced parameters or in the RemoteReasoner settings, or ask for boxes only.</source>
        <translation>Les masques et contours nécessitent un checkpoint SAM : renseignez « Checkpoint SAM » dans les paramètres avancés ou dans les paramètres de RemoteReasoner, ou ne demandez que les boîtes.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="397"/>
        <source>The replay backend needs a file of recorded answers: set &apos;Recorded answers&apos; in the advanced parameters.</source>
        <translation>Le rejeu nécessite un fichier de réponses enregistrées : renseignez « Réponses enregistrées » dans les paramètres avancés.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="399"/>
        <source>The openai backend needs the model server URL (e.g. http://gpu-server:8000/v1): set it in the advanced parameters or in the RemoteReasoner settings.</source>
        <translation>Le moteur openai nécessite l’URL du serveur de modèle (par ex. http://gpu-server:8000/v1) : indiquez-la dans les paramètres avancés ou dans les paramètres de RemoteReasoner.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="432"/>
        <source>The RemoteReasoner engine is not set up (no Python at '{path}'). Use RemoteReasoner ▸ Set up engine, or choose the engine interpreter in the settings.</source>
        <translation>Le moteur RemoteReasoner n’est pas installé (aucun Python à « {path} »). Utilisez RemoteReasoner ▸ Installer le moteur, ou choisissez l’interpréteur du moteur dans les paramètres.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="435"/>
        <source>Asking &apos;{query}&apos; about {raster} ({granularity}) with the {backend} backend</source>
        <translation>Question « {query} » sur {raster} ({granularity}) avec le moteur {backend}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="444"/>
        <source>Waiting for the RemoteReasoner run in progress to finish…</source>
        <translation>Attente de la fin de l’exécution RemoteReasoner en cours…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="478"/>
        <source>Done in {seconds:.1f} s; all results and the model answers are in {gpkg}</source>
        <translation>Terminé en {seconds:.1f} s ; tous les résultats et les réponses du modèle sont dans {gpkg}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="472"/>
        <source>{layer} were not asked for in &apos;Results&apos;: {param} is not written.</source>
        <translation>{layer} n’ont pas été demandés dans « Résultats » : {param} n’est pas écrit.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="307"/>
        <source>SAM: a SAM 1 .pth, a SAM 2.1 folder or hub id such as facebook/sam2.1-hiera-tiny (empty: from the settings)</source>
        <translation>SAM : un fichier SAM 1 .pth, un dossier SAM 2.1 ou un identifiant du Hub comme facebook/sam2.1-hiera-tiny (vide : celui des paramètres)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="385"/>
        <source>SAM {name} is not downloaded yet: download it in the RemoteReasoner model manager (Models tab).</source>
        <translation>SAM {name} n’est pas encore téléchargé : téléchargez-le dans le gestionnaire de modèles de RemoteReasoner (onglet Modèles).</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="276"/>
        <source>Mode</source>
        <translation>Mode</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="276"/>
        <source>Locate: boxes, masks, contours</source>
        <translation>Localiser : boîtes, masques, contours</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="276"/>
        <source>Ask: an answer in text</source>
        <translation>Demander : une réponse en texte</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="276"/>
        <source>Describe: a caption of the area</source>
        <translation>Décrire : une légende de la zone</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="286"/>
        <source>Answers (view footprints)</source>
        <translation>Réponses (emprises des vues)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="289"/>
        <source>Answer report</source>
        <translation>Rapport de réponse</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="289"/>
        <source>HTML files (*.html)</source>
        <translation>Fichiers HTML (*.html)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="331"/>
        <source>Answer (Ask / Describe)</source>
        <translation>Réponse (Demander / Décrire)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="465"/>
        <source>Describe</source>
        <translation>Décrire</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="492"/>
        <source>Answer: {answer}</source>
        <translation>Réponse : {answer}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="492"/>
        <source>none</source>
        <translation>aucune</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="276"/>
        <source>Find all: every instance of a noun phrase (SAM 3)</source>
        <translation>Tout trouver : chaque instance d’un groupe nominal (SAM 3)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="319"/>
        <source>SAM 3 for find all: folder or Hugging Face id (empty: from the settings)</source>
        <translation>SAM 3 pour tout trouver : dossier ou identifiant Hugging Face (vide : celui des paramètres)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="321"/>
        <source>Find all: keep instances scoring above</source>
        <translation>Tout trouver : garder les instances dont le score dépasse</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="234"/>
        <source>Asks a natural-language question about a raster (e.g. &apos;the storage tanks next to the pier&apos;) and returns the answers as vector layers in the raster&apos;s CRS: one box per target, a mask per target from Segment Anything, and the mask outlines. Strategy: Quick asks one downscaled view of the whole extent, Focused asks it and then each find again at full resolution, Thorough cuts large rasters into overlapping tiles. The model runs in the RemoteReasoner engine process configured in the plugin settings; advanced parameters default to those settings. Masks and contours need a SAM checkpoint.

Mode Ask answers the question in text and Describe captions the area, with the checkpoint&apos;s own instructions: one view of the whole extent (downscaled to the pixel budget), or one answer per tile written on the tile footprints. The answer is the ANSWER output (for a counting question over tiles, the sum of the per-tile counts), with an HTML report.

Mode Find all gives every instance of a short noun phrase (e.g. &apos;tree crown&apos;) with SAM 3 instead of the reasoner: a box, a mask and a contour per instance, each with its score; instances scoring at or below the score threshold are dropped. SAM 3 is gated on Hugging Face: download it in the RemoteReasoner model manager (Models tab) first.</source>
        <translation>Pose une question en langage naturel sur un raster (par ex. « les réservoirs à côté de la jetée ») et renvoie les réponses sous forme de couches vectorielles dans le SCR du raster : une boîte par cible, un masque par cible issu de Segment Anything et le contour des masques. Stratégie : Rapide interroge une vue réduite de toute l’emprise, Ciblé l’interroge puis chaque trouvaille à nouveau en pleine résolution, Exhaustif découpe les grands rasters en tuiles qui se chevauchent. Le modèle s’exécute dans le processus moteur RemoteReasoner configuré dans les paramètres de l’extension ; les paramètres avancés reprennent ces réglages par défaut. Les masques et contours nécessitent un checkpoint SAM.

Le mode Demander répond à la question par un texte et le mode Décrire légende la zone, avec les instructions propres au checkpoint : une vue de toute l’emprise (réduite au budget de pixels), ou une réponse par tuile écrite sur l’emprise des tuiles. La réponse est la sortie ANSWER (pour une question de comptage sur des tuiles, la somme des comptes par tuile), avec un rapport HTML.

Le mode Tout trouver donne chaque instance d’un groupe nominal court (par ex. « houppier ») avec SAM 3 au lieu du modèle de raisonnement : une boîte, un masque et un contour par instance, chacun avec son score ; les instances dont le score ne dépasse pas le seuil sont écartées. SAM 3 est soumis à autorisation sur Hugging Face : téléchargez-le d’abord dans le gestionnaire de modèles RemoteReasoner (onglet Modèles).</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="292"/>
        <source>Strategy</source>
        <translation>Stratégie</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="281"/>
        <source>Ask / Describe: one answer per tile</source>
        <translation>Demander / Décrire : une réponse par tuile</translation>
    </message>
</context>
<context>
    <name>RemoteReasonerAlgorithm</name>
    <message>
        <location filename="../remotereasoner_qgis/processing/algorithm_base.py" line="27"/>
        <source>Visual reasoning</source>
        <translation>Raisonnement visuel</translation>
    </message>
</context>
<context>
    <name>RemoteReasonerDock</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/dock.py" line="83"/>
        <source>Reason on extent</source>
        <translation>Raisonner sur l’emprise</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/dock.py" line="309"/>
        <source>Settings…</source>
        <translation>Paramètres…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/dock.py" line="84"/>
        <source>Ctrl+Enter</source>
        <translation>Ctrl+Entrée</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/dock.py" line="85"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/dock.py" line="94"/>
        <source>Reasoning</source>
        <translation>Raisonnement</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/dock.py" line="164"/>
        <source>Set up engine…</source>
        <translation>Installer le moteur…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/dock.py" line="164"/>
        <source>Models…</source>
        <translation>Modèles…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/dock.py" line="226"/>
        <source>View {i}:</source>
        <translation>Vue {i} :</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/dock.py" line="164"/>
        <source>Get a real model (Models tab)…</source>
        <translation>Obtenir un vrai modèle (onglet Modèles)…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/dock.py" line="228"/>
        <source>First date, view {i}:</source>
        <translation>Première date, vue {i} :</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/dock.py" line="228"/>
        <source>Second date, view {i}:</source>
        <translation>Seconde date, vue {i} :</translation>
    </message>
</context>
<context>
    <name>RemoteReasonerProvider</name>
    <message>
        <location filename="../remotereasoner_qgis/processing/provider.py" line="33"/>
        <source>RemoteReasoner</source>
        <translation>RemoteReasoner</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/provider.py" line="36"/>
        <source>RemoteReasoner: questions about imagery answered as vector layers</source>
        <translation>RemoteReasoner : des questions sur l’imagerie, des réponses en couches vectorielles</translation>
    </message>
</context>
<context>
    <name>ResultsTable</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/results_table.py" line="31"/>
        <source>Target</source>
        <translation>Cible</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/results_table.py" line="31"/>
        <source>Label</source>
        <translation>Étiquette</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/results_table.py" line="31"/>
        <source>Area (m²)</source>
        <translation>Surface (m²)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/results_table.py" line="42"/>
        <source>Export…</source>
        <translation>Exporter…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/results_table.py" line="71"/>
        <source>Box area: SAM found no mask for this target.</source>
        <translation>Aire de la boîte : SAM n’a trouvé aucun masque pour cette cible.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/results_table.py" line="76"/>
        <source>Mask area (m²)</source>
        <translation>Aire du masque (m²)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/results_table.py" line="78"/>
        <source>Area (m²): mask, else box (italic)</source>
        <translation>Aire (m²) : masque, sinon boîte (italique)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/results_table.py" line="80"/>
        <source>Box area (m²)</source>
        <translation>Aire de la boîte (m²)</translation>
    </message>
</context>
<context>
    <name>RunStatus</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/run_status.py" line="39"/>
        <source>Idle</source>
        <translation>Inactif</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/run_status.py" line="57"/>
        <source>Results go to a temporary folder (set an output folder in the settings to keep them): {path}</source>
        <translation>Les résultats vont dans un dossier temporaire (indiquez un dossier de sortie dans les paramètres pour les conserver) : {path}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/run_status.py" line="57"/>
        <source>Results: {path}</source>
        <translation>Résultats : {path}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/run_status.py" line="62"/>
        <source>Starting the engine…</source>
        <translation>Démarrage du moteur…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/run_status.py" line="71"/>
        <source>ETA {s} s</source>
        <translation>Reste environ {s} s</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/run_status.py" line="75"/>
        <source>Cancelling after the current view…</source>
        <translation>Annulation après la vue en cours…</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="51"/>
        <source>RemoteReasoner settings</source>
        <translation>Paramètres de RemoteReasoner</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="62"/>
        <source>Model</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="64"/>
        <source>Local model</source>
        <translation>Modèle local</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="65"/>
        <source>Server</source>
        <translation>Serveur</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="83"/>
        <source>Model (hub id or folder)</source>
        <translation>Modèle (identifiant du hub ou dossier)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="103"/>
        <source>Server URL</source>
        <translation>URL du serveur</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="112"/>
        <source>Server model</source>
        <translation>Modèle du serveur</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="114"/>
        <source>API key</source>
        <translation>Clé d’API</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="118"/>
        <source>Test connection</source>
        <translation>Tester la connexion</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="129"/>
        <source>Segmentation and compute</source>
        <translation>Segmentation et calcul</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="132"/>
        <source>SAM checkpoint (*.pth *.pt)</source>
        <translation>Checkpoint SAM (*.pth *.pt)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="135"/>
        <source>SAM checkpoint</source>
        <translation>Checkpoint SAM</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="141"/>
        <source>Device</source>
        <translation>Périphérique</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="144"/>
        <source>Precision</source>
        <translation>Précision</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="147"/>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="146"/>
        <source>Tile size</source>
        <translation>Taille des tuiles</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="148"/>
        <source>Overlap</source>
        <translation>Chevauchement</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="158"/>
        <source>Max pixels per view</source>
        <translation>Pixels max. par vue</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="162"/>
        <source>Files</source>
        <translation>Fichiers</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="167"/>
        <source>empty: a temporary folder ({path})</source>
        <translation>vide : un dossier temporaire ({path})</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="167"/>
        <source>empty: beside the project ({path})</source>
        <translation>vide : à côté du projet ({path})</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="171"/>
        <source>Output folder</source>
        <translation>Dossier de sortie</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="173"/>
        <source>Engine Python</source>
        <translation>Python du moteur</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="317"/>
        <source>Type the server URL first, e.g. http://gpu-server:8000/v1.</source>
        <translation>Saisissez d’abord l’URL du serveur, par ex. http://gpu-server:8000/v1.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="325"/>
        <source>Connection failed: {reason}</source>
        <translation>Échec de la connexion : {reason}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="117"/>
        <source>Tiles in flight</source>
        <translation>Tuiles traitées en parallèle</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="82"/>
        <source>hub id ({model}) or a local folder</source>
        <translation>identifiant du hub ({model}) ou dossier local</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="86"/>
        <source>The instruction the model gets around your question: a template name, or your own .txt file with {query} where the question goes.</source>
        <translation>L’instruction que le modèle reçoit autour de votre question : un nom de modèle de prompt, ou votre propre fichier .txt avec {query} à la place de la question.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="89"/>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="91"/>
        <source>As the prompt template says</source>
        <translation>Comme l’indique le modèle de prompt</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="93"/>
        <source>Pixels of the resized model input (model-input)</source>
        <translation>Pixels de l’entrée redimensionnée du modèle (model-input)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="93"/>
        <source>Pixels of the view before resizing (original-image)</source>
        <translation>Pixels de la vue avant redimensionnement (original-image)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="98"/>
        <source>Which pixels the model&apos;s boxes are in; a template states it for the model it was written for.</source>
        <translation>Dans quels pixels sont exprimées les boîtes du modèle ; un modèle de prompt l’indique pour le modèle pour lequel il a été écrit.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="100"/>
        <source>Box coordinates</source>
        <translation>Coordonnées des boîtes</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="208"/>
        <source>Default for the model</source>
        <translation>Par défaut pour le modèle</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="212"/>
        <source>File: {name}</source>
        <translation>Fichier : {name}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="214"/>
        <source>Choose file…</source>
        <translation>Choisir un fichier…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="223"/>
        <source>Prompt template</source>
        <translation>Modèle de prompt</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="223"/>
        <source>Prompt templates (*.txt)</source>
        <translation>Modèles de prompt (*.txt)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="304"/>
        <source>The overlap must be less than half the tile size ({n} px).</source>
        <translation>Le recouvrement doit être inférieur à la moitié de la taille des tuiles ({n} px).</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="134"/>
        <source>a SAM 1 .pth, or SAM 2.1: facebook/sam2.1-hiera-tiny or a folder</source>
        <translation>un fichier SAM 1 .pth, ou SAM 2.1 : facebook/sam2.1-hiera-tiny ou un dossier</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="71"/>
        <source>Recorded answers</source>
        <translation>Réponses enregistrées</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="296"/>
        <source>This URL holds a credential (user:password@ or a key in the query). Settings are stored as plain text: remove it from the URL and add the key under API key (QGIS&apos;s authentication manager).</source>
        <translation>Cette URL contient un identifiant (utilisateur:mot_de_passe@ ou une clé dans la requête). Les paramètres sont enregistrés en clair : retirez-le de l'URL et ajoutez la clé sous Clé d'API (le gestionnaire d'authentification de QGIS).</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="93"/>
        <source>0 to 1000 across the image, Qwen2-VL / Qwen3-VL (relative-1000)</source>
        <translation>De 0 à 1000 sur l’image, Qwen2-VL / Qwen3-VL (relative-1000)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="137"/>
        <source>Find all: score threshold</source>
        <translation>Tout trouver : seuil de score</translation>
    </message>
</context>
<context>
    <name>SetupDialog</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="100"/>
        <source>Set up the RemoteReasoner engine</source>
        <translation>Installer le moteur RemoteReasoner</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="116"/>
        <source>Engine</source>
        <translation>Moteur</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="118"/>
        <source>Models</source>
        <translation>Modèles</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="131"/>
        <source>Platform</source>
        <translation>Plateforme</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="136"/>
        <source>No Python 3.10 or newer found: install one, or pick an interpreter below</source>
        <translation>Aucun Python 3.10 ou plus récent trouvé : installez-en un, ou choisissez un interpréteur ci-dessous</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="137"/>
        <source>Python for the environment</source>
        <translation>Python de l’environnement</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="140"/>
        <source>NVIDIA GPU</source>
        <translation>GPU NVIDIA</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="145"/>
        <source>torch build</source>
        <translation>Version de torch</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="148"/>
        <source>New environment in the QGIS profile: {path}</source>
        <translation>Nouvel environnement dans le profil QGIS : {path}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="151"/>
        <source>An existing interpreter (e.g. a conda environment&apos;s python):</source>
        <translation>Un interpréteur existant (par ex. le python d’un environnement conda) :</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="156"/>
        <source>Environment</source>
        <translation>Environnement</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="164"/>
        <source>empty: download from PyPI (and the PyTorch index)</source>
        <translation>vide : télécharger depuis PyPI (et l’index PyTorch)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="165"/>
        <source>Wheel folder (offline install)</source>
        <translation>Dossier de wheels (installation hors ligne)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="166"/>
        <source>none (QGIS Options › Network)</source>
        <translation>aucun (Options de QGIS › Réseau)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="168"/>
        <source>Proxy</source>
        <translation>Proxy</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="177"/>
        <source>Install / repair</source>
        <translation>Installer / réparer</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="178"/>
        <source>Check engine</source>
        <translation>Vérifier le moteur</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="182"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="246"/>
        <source>none found (nvidia-smi missing or no driver): the engine runs on the CPU</source>
        <translation>aucun trouvé (nvidia-smi absent ou pas de pilote) : le moteur s’exécute sur le CPU</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="247"/>
        <source>{name} — driver {driver}, {mem:.1f} GB</source>
        <translation>{name} — pilote {driver}, {mem:.1f} Go</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="252"/>
        <source>CPU only</source>
        <translation>CPU uniquement</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="254"/>
        <source>as in the requirements / wheel folder (no PyTorch index)</source>
        <translation>selon les dépendances / le dossier de wheels (sans index PyTorch)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="255"/>
        <source>CUDA {v} ({b})</source>
        <translation>CUDA {v} ({b})</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="293"/>
        <source>{path} is not an interpreter of the form &lt;env&gt;/bin/python: choose the python of the environment.</source>
        <translation>{path} n’est pas un interpréteur de la forme &lt;env&gt;/bin/python : choisissez le python de l’environnement.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="297"/>
        <source>No Python 3.10 or newer was found: install Python, then open this dialog again.</source>
        <translation>Aucun Python 3.10 ou plus récent n’a été trouvé : installez Python, puis rouvrez cette boîte de dialogue.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="301"/>
        <source>Environment: {path} · torch build: {b}</source>
        <translation>Environnement : {path} · version de torch : {b}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="303"/>
        <source>Proxy: {p}</source>
        <translation>Proxy : {p}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="314"/>
        <source>Cancelling…</source>
        <translation>Annulation…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="331"/>
        <source>Engine interpreter saved in the settings: {p}</source>
        <translation>Interpréteur du moteur enregistré dans les paramètres : {p}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="352"/>
        <source>No engine at {p}: press Install / repair first.</source>
        <translation>Aucun moteur à {p} : cliquez d’abord sur Installer / réparer.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="373"/>
        <source>Missing: {m}. Press Install / repair to finish the environment.</source>
        <translation>Manquant : {m}. Cliquez sur Installer / réparer pour terminer l’environnement.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="179"/>
        <source>Self-test</source>
        <translation>Autotest</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="180"/>
        <source>Run the whole pipeline on a synthetic raster with a tiny test model (seconds): proves the installation, not a model.</source>
        <translation>Exécute toute la chaîne sur un raster synthétique avec un minuscule modèle de test (quelques secondes) : vérifie l’installation, pas un modèle.</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="391"/>
        <source>Self-test running (reason → SAM → vectorise → GeoPackage)…</source>
        <translation>Autotest en cours (raisonnement → SAM → vectorisation → GeoPackage)…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="173"/>
        <source>Engine in use</source>
        <translation>Moteur utilisé</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="230"/>
        <source>{path} (not set up yet)</source>
        <translation>{path} (pas encore installé)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="344"/>
        <source>Starting the engine {path}…</source>
        <translation>Démarrage du moteur {path}…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="367"/>
        <source>The engine {path} did not start: {e}</source>
        <translation>Le moteur {path} n’a pas démarré : {e}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="381"/>
        <source>The engine is ready: {path}</source>
        <translation>Le moteur est prêt : {path}</translation>
    </message>
</context>
</TS>
