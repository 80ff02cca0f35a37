<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>@default</name>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="54"/>
        <source>Check the settings.</source>
        <translation>请检查设置。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="55"/>
        <source>Check the raster and the extent.</source>
        <translation>请检查栅格和范围。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="56"/>
        <source>Check the model in the settings.</source>
        <translation>请在设置中检查模型。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="57"/>
        <source>Lower the tile size or max pixels, or choose the CPU, in the settings.</source>
        <translation>请在设置中减小瓦片大小或最大像素数，或改用 CPU。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="58"/>
        <source>Check the server URL and API key (Test connection in the settings).</source>
        <translation>请检查服务器 URL 和 API 密钥（设置中的“测试连接”）。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="59"/>
        <source>Wait for the running analysis to finish.</source>
        <translation>请等待正在运行的分析完成。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="60"/>
        <source>See the RemoteReasoner log tab; check the engine interpreter in the settings.</source>
        <translation>请查看 RemoteReasoner 日志标签页；并在设置中检查引擎解释器。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="61"/>
        <source>See the RemoteReasoner log tab for details.</source>
        <translation>详情请查看 RemoteReasoner 日志标签页。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/layers.py" line="52"/>
        <source>Boxes</source>
        <translation>边界框</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/layers.py" line="52"/>
        <source>Masks</source>
        <translation>掩膜</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/layers.py" line="52"/>
        <source>Contours</source>
        <translation>轮廓</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/layers.py" line="352"/>
        <source>Unknown export format {fmt}: use gpkg, shp or geojson.</source>
        <translation>未知的导出格式 {fmt}：请使用 gpkg、shp 或 geojson。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/layers.py" line="375"/>
        <source>Could not write {path}: {reason}</source>
        <translation>无法写入 {path}：{reason}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/plugin.py" line="42"/>
        <source>&amp;RemoteReasoner</source>
        <translation>&amp;RemoteReasoner</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/plugin.py" line="43"/>
        <source>Reason on extent</source>
        <translation>对范围进行推理</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/plugin.py" line="46"/>
        <source>Ask a question about the imagery and get boxes, masks and contours</source>
        <translation>就影像提出问题，获取边界框、掩膜和轮廓</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/plugin.py" line="48"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/plugin.py" line="71"/>
        <source>Processing provider not available: {reason}</source>
        <translation>处理提供程序不可用：{reason}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="240"/>
        <source>unknown error</source>
        <translation>未知错误</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/worker_pool.py" line="59"/>
        <source>The engine process stopped unexpectedly (exit code {code}). Check the engine set-up in the RemoteReasoner settings; its last output was: {tail}</source>
        <translation>引擎进程意外停止（退出码 {code}）。请在 RemoteReasoner 设置中检查引擎配置；其最后输出为：{tail}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/worker_pool.py" line="62"/>
        <source>The engine Python cannot be started ({error}). Set up the engine or choose its interpreter in the RemoteReasoner settings.</source>
        <translation>无法启动引擎 Python（{error}）。请安装引擎，或在 RemoteReasoner 设置中选择其解释器。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/worker_pool.py" line="63"/>
        <source>The engine failed: {error}</source>
        <translation>引擎出错：{error}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="22"/>
        <source>reading the image</source>
        <translation>正在读取影像</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="23"/>
        <source>asking the model</source>
        <translation>正在询问模型</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="24"/>
        <source>segmenting</source>
        <translation>正在分割</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="25"/>
        <source>writing results</source>
        <translation>正在写入结果</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="150"/>
        <source>The layer '{name}' is not a GDAL raster file (provider '{provider}'). Save it as a GeoTIFF first (Export ▸ Save As…).</source>
        <translation>图层“{name}”不是 GDAL 栅格文件（提供程序“{provider}”）。请先将其另存为 GeoTIFF（导出 ▸ 另存为…）。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="155"/>
        <source>The raster file &apos;{path}&apos; does not exist.</source>
        <translation>栅格文件“{path}”不存在。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="65"/>
        <source>No engine interpreter: {path} does not exist or is not executable. Set up the engine (Set up engine…) or set the engine Python in the settings.</source>
        <translation>没有引擎解释器：{path} 不存在或不可执行。请安装引擎（安装引擎…），或在设置中指定引擎 Python。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="71"/>
        <source>The engine set-up did not finish ({path}): run Set up engine… again (it repairs the environment).</source>
        <translation>引擎安装未完成（{path}）：请再次运行“安装引擎…”（它会修复环境）。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="83"/>
        <source>No model server: set the server URL in the settings.</source>
        <translation>没有模型服务器：请在设置中填写服务器 URL。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="86"/>
        <source>No recorded answers file: set the replay file in the settings.</source>
        <translation>没有录制的回答文件：请在设置中指定回放文件。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="90"/>
        <source>No model: download one under Set up engine… › Models, or choose a local model folder.</source>
        <translation>没有模型：请在“安装引擎… › 模型”中下载，或选择本地模型文件夹。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="96"/>
        <source>{model} is not downloaded yet: download it under Set up engine… › Models, or choose a local model folder.</source>
        <translation>{model} 尚未下载：请在“安装引擎… › 模型”中下载，或选择本地模型文件夹。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="99"/>
        <source>The download of {model} is incomplete ({file} is missing): download it again under Set up engine… › Models (it resumes).</source>
        <translation>{model} 的下载不完整（缺少 {file}）：请在“安装引擎… › 模型”中重新下载（会断点续传）。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="104"/>
        <source>The model folder {path} does not exist: choose it again in the settings.</source>
        <translation>模型文件夹 {path} 不存在：请在设置中重新选择。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="109"/>
        <source>The model folder {path} is not a model: {file} is missing. Choose the folder that holds config.json and the weights.</source>
        <translation>模型文件夹 {path} 不是模型：缺少 {file}。请选择包含 config.json 和权重的文件夹。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="117"/>
        <source>Masks and contours need a SAM checkpoint: set it in the settings or tick boxes only.</source>
        <translation>掩膜和轮廓需要 SAM 检查点：请在设置中指定，或只勾选边界框。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="125"/>
        <source>The SAM checkpoint {path} does not exist: choose it again in the settings.</source>
        <translation>SAM 检查点 {path} 不存在：请在设置中重新选择。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="77"/>
        <source>Devices: {d}</source>
        <translation>设备：{d}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="77"/>
        <source> (CUDA {c})</source>
        <translation>（CUDA {c}）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="80"/>
        <source>{dev}: {name}, {free:.1f} GB free of {total:.1f} GB</source>
        <translation>{dev}：{name}，可用 {free:.1f} GB，共 {total:.1f} GB</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="83"/>
        <source>torch does not load: {e}</source>
        <translation>无法加载 torch：{e}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/plugin.py" line="50"/>
        <source>Set up engine…</source>
        <translation>安装引擎…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="54"/>
        <source>Self-test could not run: {e}</source>
        <translation>自检无法运行：{e}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="55"/>
        <source>Self-test passed on {device}</source>
        <translation>在 {device} 上自检通过</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="55"/>
        <source>Self-test FAILED on {device}</source>
        <translation>在 {device} 上自检失败</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="59"/>
        <source>a check of the installation with a tiny test model, not of a real model.</source>
        <translation>这是用微型测试模型对安装进行的检查，而非对真实模型的检查。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/plugin.py" line="79"/>
        <source>A Processing provider &apos;remotereasoner&apos; is already registered; this copy of the plugin does not add another.</source>
        <translation>已注册了名为“remotereasoner”的处理提供程序；此插件副本不会再添加一个。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="56"/>
        <source>{stage} · view {i} of {n}</source>
        <translation>{stage} · 第 {i} 个视图，共 {n} 个</translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="87"/>
        <source>%n box(es)</source>
        <translation>
            <numerusform>%n 个框</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="89"/>
        <source>%n mask(s)</source>
        <translation>
            <numerusform>%n 个掩膜</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="91"/>
        <source>%n contour(s)</source>
        <translation>
            <numerusform>%n 条轮廓</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="158"/>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="162"/>
        <source>The model's answers could not be read on {k} of %n view(s) — see Reasoning; try another prompt.</source>
        <translation>
            <numerusform>%n 个视图中有 {k} 个的模型回答无法读取 — 请查看“推理”；尝试其他提示词。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="184"/>
        <source>Found {counts}.</source>
        <translation>找到 {counts}。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="193"/>
        <source>the engine stopped the run.</source>
        <translation>引擎停止了运行。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="196"/>
        <source>Cancelled before the first view: nothing was kept.</source>
        <translation>在第一个视图之前已取消：未保留任何结果。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="34"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="197"/>
        <source>Cancelled: {k} of %n view(s) kept.</source>
        <translation>
            <numerusform>已取消：保留了 %n 个视图中的 {k} 个。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="211"/>
        <source>Answers unreadable</source>
        <translation>回答无法读取</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="213"/>
        <source>Done, some answers unreadable</source>
        <translation>完成，部分回答无法读取</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="214"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="241"/>
        <source>Failed: {reason}</source>
        <translation>失败：{reason}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="34"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="96"/>
        <source>Model reasoning (view {i}): {text}</source>
        <translation>模型推理（第 {i} 个视图）：{text}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="113"/>
        <source>The prompt file {path} does not exist: choose the prompt again in the settings.</source>
        <translation>提示词文件 {path} 不存在：请在设置中重新选择提示词。</translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="467"/>
        <source>{layer}: %n feature(s)</source>
        <translation>
            <numerusform>{layer}：%n 个要素</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/ui/dock.py" line="288"/>
        <source>Exported %n file(s): {files}</source>
        <translation>
            <numerusform>已导出 %n 个文件：{files}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="334"/>
        <source>Connected: %n model(s).</source>
        <translation>
            <numerusform>已连接：%n 个模型。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/ui/results_table.py" line="85"/>
        <source>{found}: %n box(es) had no mask (SAM found nothing).</source>
        <translation>
            <numerusform>{found}：%n 个框没有掩膜（SAM 未找到任何内容）。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="167"/>
        <source>{query} · {layer} (Processing)</source>
        <translation>{query} · {layer}（处理工具）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="122"/>
        <source>SAM {name} is not downloaded yet: download it in the Models tab.</source>
        <translation>SAM {name} 尚未下载：请在“模型”选项卡中下载。</translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="93"/>
        <source>%n answer(s)</source>
        <translation>
            <numerusform>%n 个答案</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="188"/>
        <source>Answered on %n view(s).</source>
        <translation>
            <numerusform>已在 %n 个视图上作答。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/answer_report.py" line="18"/>
        <source>Ask: {question}</source>
        <translation>提问：{question}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/answer_report.py" line="18"/>
        <source>Describe</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/answer_report.py" line="19"/>
        <source>No answer.</source>
        <translation>没有答案。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/answer_report.py" line="31"/>
        <source>Tile</source>
        <translation>瓦片</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/answer_report.py" line="31"/>
        <source>Answer</source>
        <translation>答案</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/answer_report.py" line="31"/>
        <source>Count</source>
        <translation>计数</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/answer_report.py" line="31"/>
        <source>Reasoning</source>
        <translation>推理</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="28"/>
        <source>Locate: boxes, masks, contours</source>
        <translation>定位：框、掩膜、轮廓</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="28"/>
        <source>Ask: an answer in text</source>
        <translation>提问：以文字回答</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="29"/>
        <source>Describe: a caption of the area</source>
        <translation>描述：区域说明</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/layers.py" line="52"/>
        <source>Answers</source>
        <translation>答案</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="137"/>
        <source>Find-all needs SAM 3 ({model}), which is not downloaded yet: it is gated, so request access on huggingface.co/facebook/sam3, set your Hugging Face token in Set up engine… › Models and download it there.</source>
        <translation>“查找全部”需要 SAM 3（{model}），但尚未下载：它需申请访问，请在 huggingface.co/facebook/sam3 申请访问，在“设置引擎… › 模型”中设置你的 Hugging Face 令牌并在那里下载。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="144"/>
        <source>The SAM 3 folder {path} is not a model ({file} is missing): choose it again under Set up engine… › Models.</source>
        <translation>SAM 3 文件夹 {path} 不是模型（缺少 {file}）：请在“设置引擎… › 模型”中重新选择。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="30"/>
        <source>Find all: every instance of a noun phrase (SAM 3)</source>
        <translation>查找全部：名词短语的每个实例（SAM 3）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="199"/>
        <source>Demo: {model}, for {view}, whatever the question.</source>
        <translation>演示：{model}，适用于 {view}，与所提问题无关。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="205"/>
        <source>Masks: tiny test SAM (random weights).</source>
        <translation>掩膜：微型测试 SAM（随机权重）。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="206"/>
        <source>Real model: RemoteReasoner-7B (16.6 GB) or a server.</source>
        <translation>真实模型：RemoteReasoner-7B（16.6 GB）或服务器。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/compare.py" line="51"/>
        <source>The reference must be a polygon layer (the objects you digitised).</source>
        <translation>参考图层必须是面图层（您数字化的对象）。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/compare.py" line="60"/>
        <source>Cannot write the reference to {path}: {reason}</source>
        <translation>无法将参考图层写入 {path}：{reason}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/compare.py" line="77"/>
        <source>Compare masks or boxes, not {layer}.</source>
        <translation>请比较掩膜或框，而不是 {layer}。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/compare.py" line="91"/>
        <source>The RemoteReasoner engine is not set up (no Python at '{path}'): use RemoteReasoner ▸ Set up engine.</source>
        <translation>RemoteReasoner 引擎尚未设置（“{path}”处没有 Python）：请使用 RemoteReasoner ▸ 设置引擎。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/compare.py" line="101"/>
        <source>The engine could not compare: {reason}</source>
        <translation>引擎无法比较：{reason}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/compare.py" line="104"/>
        <source>the engine stopped (exit status {rc})</source>
        <translation>引擎已停止（退出状态 {rc}）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/analyst.py" line="21"/>
        <source>Correct results</source>
        <translation>修正结果</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/analyst.py" line="26"/>
        <source>Compare with a reference layer</source>
        <translation>与参考图层比较</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/analyst.py" line="31"/>
        <source>Run history</source>
        <translation>运行历史</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/analyst.py" line="37"/>
        <source>Copy as command</source>
        <translation>复制为命令</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_layer.py" line="29"/>
        <source>Missed</source>
        <translation>漏检</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_layer.py" line="29"/>
        <source>False alarm</source>
        <translation>误报</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_layer.py" line="29"/>
        <source>Matched</source>
        <translation>匹配</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="31"/>
        <source>overview</source>
        <translation>总览</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="31"/>
        <source>zooming in</source>
        <translation>放大查看</translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="116"/>
        <source>%n target(s)</source>
        <translation>
            <numerusform>%n 个目标</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/strategy.py" line="22"/>
        <source>Quick — one look at the whole extent</source>
        <translation>快速 — 整个范围看一眼</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/strategy.py" line="23"/>
        <source>Focused — one look, then zoom in on each find</source>
        <translation>聚焦 — 先看一眼，再放大查看每个发现</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/strategy.py" line="24"/>
        <source>Thorough — every tile at full resolution</source>
        <translation>全面 — 每个瓦片全分辨率</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/strategy.py" line="32"/>
        <source>One model call. Good for large, obvious targets and for questions about the whole scene; small targets can vanish at the reduced resolution.</source>
        <translation>一次模型调用。适合大而明显的目标和关于整个场景的问题；小目标在降低的分辨率下可能消失。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/strategy.py" line="36"/>
        <source>One call per tile at full resolution: the slowest, and the safest for many or small targets.</source>
        <translation>每个瓦片以全分辨率调用一次：最慢，但对众多或细小的目标最可靠。</translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/strategy.py" line="58"/>
        <source>1 model call + 1 per find (Thorough: %n)</source>
        <translation>
            <numerusform>1 次模型调用 + 每个发现 1 次（全面：%n）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/strategy.py" line="59"/>
        <source>%n model call(s)</source>
        <translation>
            <numerusform>%n 次模型调用</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/strategy_choice.py" line="28"/>
        <source>Look</source>
        <translation>查看方式</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/strategy_choice.py" line="38"/>
        <source>Model calls this choice will make over the extent</source>
        <translation>此选项在该范围内将进行的模型调用次数</translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="225"/>
        <source>%n view(s) with no data skipped.</source>
        <translation>
            <numerusform>已跳过 %n 个无数据的视图。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="227"/>
        <source>%n answer(s) reused from identical views in the output, without asking the model.</source>
        <translation>
            <numerusform>%n 个回答取自输出中相同的视图，未询问模型。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/follow_run.py" line="80"/>
        <source>The engine ended the run without an answer.</source>
        <translation>引擎结束了运行，但没有回答。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="114"/>
        <source>Type a question first, e.g. “the tree crowns”.</source>
        <translation>请先输入问题，例如“树冠”。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="116"/>
        <source>Choose a raster layer to reason on.</source>
        <translation>请选择要推理的栅格图层。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="119"/>
        <source>{name} is not a raster file; save it as a GeoTIFF first.</source>
        <translation>{name} 不是栅格文件；请先将其另存为 GeoTIFF。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="121"/>
        <source>Tick at least one of Boxes, Masks, Contours.</source>
        <translation>请至少勾选框、掩膜、轮廓之一。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="134"/>
        <source>Cannot create the output folder {path}: {reason}</source>
        <translation>无法创建输出文件夹 {path}：{reason}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="192"/>
        <source>RemoteReasoner: {q}</source>
        <translation>RemoteReasoner：{q}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/export.py" line="26"/>
        <source>GeoPackage (*.gpkg)</source>
        <translation>GeoPackage (*.gpkg)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/export.py" line="26"/>
        <source>ESRI Shapefile (*.shp)</source>
        <translation>ESRI Shapefile (*.shp)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/export.py" line="27"/>
        <source>GeoJSON (*.geojson)</source>
        <translation>GeoJSON (*.geojson)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/export.py" line="28"/>
        <source>Export results</source>
        <translation>导出结果</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/engine_env.py" line="78"/>
        <source>Qt cannot tell whether this computer is online ({source}: {detail}); assuming online. Without a network, tick Offline in Settings › Models.</source>
        <translation>Qt 无法判断这台计算机是否联网（{source}：{detail}），按已联网处理。没有网络时，请在 设置 › 模型 中勾选“离线”。</translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="232"/>
        <source>%n overview find(s) kept unconfirmed: their closer look gave no usable answer.</source>
        <translation>
            <numerusform>%n 个概览发现保留为未确认：放大查看未得到可用的回答。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="235"/>
        <source>%n overview find(s) dropped: not found again on a closer look.</source>
        <translation>
            <numerusform>%n 个概览发现已舍弃：放大查看未再找到它们。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/strategy.py" line="34"/>
        <source>One call for the overview, then one closer look per candidate, zoomed to fit it: sharper boxes in few calls when the targets are few and visible in the overview.</source>
        <translation>概览调用一次，然后对每个候选放大到恰好容纳它再看一次：目标少且在概览中可见时，以少量调用得到更精确的框。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/strategy.py" line="37"/>
        <source>One call for the overview, then, level by level twice as fine, one call per part that holds a find: also finds smaller targets next to those the overview sees, in a few calls; a small target far from any find is missed.</source>
        <translation>概览调用一次，然后逐级以两倍精细度，对每个含有发现的部分各调用一次：以少量调用也能找到概览所见目标旁边的较小目标；远离任何发现的小目标会被漏掉。</translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/strategy.py" line="55"/>
        <source>1 model call + up to {levels} per find (Thorough: %n)</source>
        <translation>
            <numerusform>1 次模型调用 + 每个发现最多 {levels} 次（全面：%n）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="155"/>
        <source>%n appeared</source>
        <translation>
            <numerusform>新增 %n 个</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="155"/>
        <source>%n disappeared</source>
        <translation>
            <numerusform>消失 %n 个</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="156"/>
        <source>%n persisted</source>
        <translation>
            <numerusform>保留 %n 个</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="190"/>
        <source>Changes: {line}.</source>
        <translation>变化：{line}。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="75"/>
        <source>Compare with another date: the second raster is the first one.</source>
        <translation>请与另一日期比较：第二个栅格与第一个相同。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="141"/>
        <source>One answer per tile is for one raster: untick it to ask about both dates.</source>
        <translation>每个瓦片一个回答仅适用于单个栅格：取消勾选后即可询问两个日期。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/run_session.py" line="169"/>
        <source>A change between two dates cannot be redone from its answers yet: resume it, or run it again.</source>
        <translation>两个日期之间的变化暂时无法根据其回答重做：请继续该运行，或重新运行。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_choice.py" line="22"/>
        <source>Compare with…</source>
        <translation>与…比较</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_choice.py" line="28"/>
        <source>A second date of the same ground: the question is located on both rasters and the map shows what appeared (green), disappeared (red) and persisted (grey). Leave it empty to reason on one raster.</source>
        <translation>同一地面的第二个日期：在两个栅格上定位该问题，地图显示新增（绿色）、消失（红色）和保留（灰色）的目标。留空则只在一个栅格上推理。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_choice.py" line="33"/>
        <source>experimental</source>
        <translation>实验性</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_choice.py" line="34"/>
        <source>Ask and Describe show both dates to the model in one turn. RemoteReasoner was trained on single images: treat the answer as a hint.</source>
        <translation>提问和描述会在一轮中把两个日期都交给模型。RemoteReasoner 是在单幅影像上训练的：请把回答仅作参考。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/layers.py" line="53"/>
        <source>Appeared</source>
        <translation>新增</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/layers.py" line="53"/>
        <source>Disappeared</source>
        <translation>消失</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/layers.py" line="53"/>
        <source>Persisted</source>
        <translation>保留</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="121"/>
        <source>box areas</source>
        <translation>框面积</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="121"/>
        <source>masks</source>
        <translation>掩膜</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="122"/>
        <source>{covered} {unit} covered ({layer}) · the largest {largest} {unit}</source>
        <translation>覆盖 {covered} {unit}（{layer}）· 最大 {largest} {unit}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="125"/>
        <source>the targets&apos; own areas add up to {total} {unit} (they overlap)</source>
        <translation>各目标面积之和为 {total} {unit}（它们有重叠）</translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/bridge/events.py" line="136"/>
        <source>Dropped %n instance(s) under the score threshold {threshold} (best score {best}).</source>
        <translation>
            <numerusform>在分数阈值 {threshold} 以下舍弃了 %n 个实例（最高分 {best}）。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="206"/>
        <source>Lower the score threshold to see them.</source>
        <translation>降低分数阈值即可看到它们。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="206"/>
        <source>All under the threshold</source>
        <translation>全部低于阈值</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="185"/>
        <source>recorded answers (human labels), not a live model</source>
        <translation>录制的回答（人工标注），不是真实模型</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="186"/>
        <source>{file}, whole layer</source>
        <translation>{file}，整个图层</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/strategy.py" line="25"/>
        <source>Deep — closer looks, level by level, at each find</source>
        <translation>深入 — 在每个发现处逐级放大查看</translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/processing/answer_report.py" line="41"/>
        <source>Model: {model} · view: {size} · %n view(s) · results: {gpkg}</source>
        <translation>
            <numerusform>模型：{model} · 视图：{size} · %n 个视图 · 结果：{gpkg}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="114"/>
        <source>%n answer(s), one per tile, in the answers layer.</source>
        <translation>
            <numerusform>%n 个答案，每个瓦片一个，位于答案图层中。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="115"/>
        <source>Sum of per-tile counts: {total} over {k} of %n tile(s).</source>
        <translation>
            <numerusform>各瓦片计数之和：{total}（%n 个瓦片中的 {k} 个）。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="118"/>
        <source>%n tile(s) gave no number.</source>
        <translation>
            <numerusform>%n 个瓦片没有给出数字。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="120"/>
        <source>Tiles overlap by {px} px, so an object in an overlap may be counted twice.</source>
        <translation>瓦片之间重叠 {px} 像素，重叠区域中的对象可能被计数两次。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="34"/>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="36"/>
        <source>Interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/score_threshold.py" line="21"/>
        <source>Find all keeps SAM 3&apos;s instances scoring above this; the end line says how many it dropped</source>
        <translation>“查找全部”只保留 SAM 3 分数高于此值的实例；结束行会说明舍弃了多少个</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/score_threshold.py" line="32"/>
        <source>Score threshold</source>
        <translation>分数阈值</translation>
    </message>
    <message numerus="yes">
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="50"/>
        <source>{done} of {total} views done on %n Ray worker(s)</source>
        <translation>
            <numerusform>已在 %n 个 Ray 工作进程上完成 {done}/{total} 个视图</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="53"/>
        <source>about {minutes} min left</source>
        <translation>约剩 {minutes} 分钟</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/readiness.py" line="203"/>
        <source>Masks: tiny SAM trained on synthetic shapes (not Segment Anything weights).</source>
        <translation>掩膜：在合成形状上训练的微型 SAM（不是 Segment Anything 的权重）。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/bridge/events.py" line="54"/>
        <source>{stage}, {done} of {total} strips</source>
        <translation>{stage}，第 {done}/{total} 条带</translation>
    </message>
</context>
<context>
    <name>AnswerPanel</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="41"/>
        <source>Copy answer</source>
        <translation>复制答案</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="42"/>
        <source>Copy the answer and the model&apos;s reasoning to the clipboard</source>
        <translation>将答案和模型的推理复制到剪贴板</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="46"/>
        <source>Reasoning</source>
        <translation>推理</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="60"/>
        <source>Waiting for the model's answer…</source>
        <translation>正在等待模型的答案…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="82"/>
        <source>{k} of {n} tiles answered…</source>
        <translation>已回答 {k}/{n} 个瓦片…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="83"/>
        <source>Tile {i}: {answer}</source>
        <translation>瓦片 {i}：{answer}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="103"/>
        <source>No answer.</source>
        <translation>没有答案。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="131"/>
        <source>The model saw the extent at {w} × {h} px.</source>
        <translation>模型以 {w} × {h} 像素查看了该范围。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="60"/>
        <source>Press Reason on extent: the model&apos;s answer appears here.</source>
        <translation>点击“对范围进行推理”：模型的回答将显示在这里。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="74"/>
        <source>(could not be read)</source>
        <translation>（无法读取）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/answer_panel.py" line="88"/>
        <source>The model's answer could not be read — what it said is under Reasoning.</source>
        <translation>无法读取模型的回答——它所说的内容见“推理”。</translation>
    </message>
</context>
<context>
    <name>ChangeAlgorithm</name>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="58"/>
        <source>Locate changes</source>
        <translation>定位变化</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="61"/>
        <source>change,change detection,two dates,before,after,appeared,disappeared,buildings</source>
        <translation>变化,变化检测,两个日期,之前,之后,新增,消失,建筑物</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="64"/>
        <source>Asks the same question of two images of the same ground (e.g. &apos;buildings&apos; on the 2019 and the 2024 flights) and matches the targets: Appeared (green) holds the targets of the second date alone, Disappeared (red) those of the first date alone, Persisted (grey) the pairs, with their overlap (IoU), both areas and both reasonings. The second date is read on the first date&apos;s grid (another CRS or resolution is handled), over the ground both cover; the layers are in the first date&apos;s CRS.

Two flights never align to the pixel: the shift between them is measured from the imagery and undone, unless a tolerance is given (targets then may move up to that many metres between the dates). Two targets are one when their outlines overlap at least the minimum IoU.</source>
        <translation>对同一地面的两幅影像提出同一个问题（例如在 2019 年和 2024 年航拍上问“建筑物”），并逐一匹配目标：新增（绿色）为只在第二个日期出现的目标，消失（红色）为只在第一个日期出现的目标，保留（灰色）为成对的目标，附带两者的重叠度（IoU）、两个面积和两段推理。第二个日期按第一个日期的网格读取（可处理不同的坐标系或分辨率），范围为两者共同覆盖的地面；图层使用第一个日期的坐标系。

两次航拍从不会逐像素对齐：两者之间的偏移从影像中测量并消除，除非给出容差（此时目标在两个日期之间最多可移动该距离，单位为米）。当两个轮廓的重叠度至少达到最小 IoU 时，视为同一目标。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="78"/>
        <source>Second date (compare with)</source>
        <translation>第二个日期（比较对象）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="79"/>
        <source>Tolerance in metres (empty: measure the shift between the dates)</source>
        <translation>容差（米）（留空：测量两个日期之间的偏移）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="83"/>
        <source>Same target at an overlap (IoU) of at least</source>
        <translation>重叠度（IoU）至少为此值时视为同一目标</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="86"/>
        <source>Recorded answers of the second date (replay backend)</source>
        <translation>第二个日期的录制回答（replay 后端）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="86"/>
        <source>Recorded answers (*.jsonl *.gpkg)</source>
        <translation>录制的回答 (*.jsonl *.gpkg)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="92"/>
        <source>Appeared</source>
        <translation>新增</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="92"/>
        <source>Disappeared</source>
        <translation>消失</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="93"/>
        <source>Persisted</source>
        <translation>保留</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="98"/>
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="111"/>
        <source>The second date cannot be opened: choose a raster layer or file.</source>
        <translation>无法打开第二个日期：请选择栅格图层或文件。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="124"/>
        <source>The RemoteReasoner engine is not set up (no Python at '{path}'). Use RemoteReasoner ▸ Set up engine, or choose the engine interpreter in the settings.</source>
        <translation>RemoteReasoner 引擎尚未安装（“{path}”处没有 Python）。请使用 RemoteReasoner ▸ 安装引擎，或在设置中选择引擎解释器。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="127"/>
        <source>Locating &apos;{query}&apos; on {first} and on {second}</source>
        <translation>正在 {first} 和 {second} 上定位“{query}”</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="133"/>
        <source>Waiting for the RemoteReasoner run in progress to finish…</source>
        <translation>正在等待进行中的 RemoteReasoner 运行结束…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/change_algorithm.py" line="165"/>
        <source>Done in {seconds:.1f} s; both dates&apos; results and the model answers are in {gpkg}</source>
        <translation>用时 {seconds:.1f} 秒完成；两个日期的结果和模型回答保存在 {gpkg}</translation>
    </message>
</context>
<context>
    <name>CommandPanel</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/command_panel.py" line="39"/>
        <source>Show the commands for the current question</source>
        <translation>显示当前问题的命令</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/command_panel.py" line="41"/>
        <source>Command line (the engine&apos;s Python on the other machine)</source>
        <translation>命令行（另一台机器上引擎的 Python）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/command_panel.py" line="46"/>
        <source>QGIS Processing (qgis_process)</source>
        <translation>QGIS 处理（qgis_process）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/command_panel.py" line="55"/>
        <source>Copy command line</source>
        <translation>复制命令行</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/command_panel.py" line="56"/>
        <source>Copy qgis_process command</source>
        <translation>复制 qgis_process 命令</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/command_panel.py" line="70"/>
        <source>Type a question first.</source>
        <translation>请先输入问题。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/command_panel.py" line="72"/>
        <source>Choose a raster file layer.</source>
        <translation>请选择一个栅格文件图层。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/command_panel.py" line="74"/>
        <source>Tick at least one of Boxes, Masks, Contours.</source>
        <translation>请至少勾选框、掩膜、轮廓之一。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/command_panel.py" line="94"/>
        <source>Set {var} to the server&apos;s API key first (the key is never in the command).</source>
        <translation>请先将 {var} 设为服务器的 API 密钥（密钥从不出现在命令中）。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/command_panel.py" line="98"/>
        <source>qgis_process takes {names} from that machine&apos;s RemoteReasoner settings.</source>
        <translation>qgis_process 从该机器的 RemoteReasoner 设置中读取 {names}。</translation>
    </message>
</context>
<context>
    <name>CompareAlgorithm</name>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="63"/>
        <source>Compare with a reference layer</source>
        <translation>与参考图层比较</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="66"/>
        <source>Scores a RemoteReasoner run (its result GeoPackage) against polygons you trust, on the run raster's pixel grid: IoU (for one layer gIoU = cIoU = IoU), and object by object at IoU ≥ 0.5 how many results match a reference, how many references were missed and how many results are false alarms. The reference may be in any CRS. The output layer holds the misses and the false alarms.</source>
        <translation>在运行栅格的像元网格上，将一次 RemoteReasoner 运行（其结果 GeoPackage）与您信任的多边形进行评分：IoU（单个图层时 gIoU = cIoU = IoU），以及在 IoU ≥ 0.5 时逐对象统计多少结果与参考匹配、多少参考被漏检、多少结果为误报。参考可以是任意坐标系。输出图层包含漏检和误报。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="73"/>
        <source>Run result (GeoPackage)</source>
        <translation>运行结果（GeoPackage）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="73"/>
        <source>GeoPackage (*.gpkg)</source>
        <translation>GeoPackage (*.gpkg)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="75"/>
        <source>Result layer</source>
        <translation>结果图层</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="77"/>
        <source>Reference polygons</source>
        <translation>参考多边形</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="79"/>
        <source>Raster (default: the run&apos;s)</source>
        <translation>栅格（默认：运行所用的栅格）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="81"/>
        <source>Run id (default: the newest run)</source>
        <translation>运行 ID（默认：最新的运行）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="83"/>
        <source>Misses and false alarms</source>
        <translation>漏检与误报</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="85"/>
        <source>Matched objects</source>
        <translation>匹配的对象</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="85"/>
        <source>Missed reference objects</source>
        <translation>漏检的参考对象</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="85"/>
        <source>False alarms</source>
        <translation>误报</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="89"/>
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="96"/>
        <source>The run result &apos;{path}&apos; does not exist.</source>
        <translation>运行结果“{path}”不存在。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="100"/>
        <source>The reference layer cannot be read.</source>
        <translation>无法读取参考图层。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/compare_algorithm.py" line="120"/>
        <source>IoU {iou} (gIoU {giou}, cIoU {ciou}); {matched} matched, {missed} missed, {false} false alarms</source>
        <translation>IoU {iou}（gIoU {giou}，cIoU {ciou}）；匹配 {matched}，漏检 {missed}，误报 {false}</translation>
    </message>
</context>
<context>
    <name>ComparePanel</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="67"/>
        <source>Result (a run&apos;s masks or boxes)</source>
        <translation>结果（某次运行的掩膜或框）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="71"/>
        <source>Reference polygons</source>
        <translation>参考多边形</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="77"/>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="86"/>
        <source>Object</source>
        <translation>对象</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="86"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="86"/>
        <source>IoU</source>
        <translation>IoU</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="86"/>
        <source>Best partner</source>
        <translation>最佳对应</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="108"/>
        <source>Choose the masks or boxes layer of a RemoteReasoner run as the result.</source>
        <translation>请选择某次 RemoteReasoner 运行的掩膜或框图层作为结果。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="110"/>
        <source>Choose the reference polygon layer to compare with.</source>
        <translation>请选择要比较的参考多边形图层。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="125"/>
        <source>Comparing…</source>
        <translation>正在比较…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="139"/>
        <source>Comparison failed: {reason}</source>
        <translation>比较失败：{reason}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="139"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="149"/>
        <source>IoU {iou} (gIoU {giou}, cIoU {ciou}) · {matched} matched, {missed} missed, {false} false alarms of {n_pred} results / {n_ref} reference objects</source>
        <translation>IoU {iou}（gIoU {giou}，cIoU {ciou}）· 在 {n_pred} 个结果 / {n_ref} 个参考对象中：匹配 {matched}，漏检 {missed}，误报 {false}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="160"/>
        <source>Result #{id}</source>
        <translation>结果 #{id}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="160"/>
        <source>Reference #{id}</source>
        <translation>参考 #{id}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/compare_panel.py" line="169"/>
        <source>Misses and false alarms · {name}</source>
        <translation>漏检与误报 · {name}</translation>
    </message>
</context>
<context>
    <name>CorrectPanel</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="37"/>
        <source>Select a result on the map, press Points, then click: left = part of the object, right = background.</source>
        <translation>在地图上选择一个结果，按“点”，然后点击：左键 = 对象的一部分，右键 = 背景。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="42"/>
        <source>Points</source>
        <translation>点</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="44"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="45"/>
        <source>Add object…</source>
        <translation>添加对象…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="46"/>
        <source>Draw a box around a missed object</source>
        <translation>在漏检的对象周围画一个框</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="47"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="48"/>
        <source>Delete the selected (false) result</source>
        <translation>删除所选的（错误）结果</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="86"/>
        <source>Select one result of the run first.</source>
        <translation>请先选择该运行的一个结果。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="93"/>
        <source>Target #{id}: click on the map.</source>
        <translation>目标 #{id}：请在地图上点击。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="119"/>
        <source>Select the result to delete first.</source>
        <translation>请先选择要删除的结果。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="148"/>
        <source>Run a question first, or reopen a run from the history.</source>
        <translation>请先提出问题，或从历史中重新打开一次运行。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="150"/>
        <source>Wait for the correction in progress.</source>
        <translation>请等待当前修正完成。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="152"/>
        <source>Wait for the running analysis to finish.</source>
        <translation>请等待正在进行的分析完成。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="156"/>
        <source>Segmenting…</source>
        <translation>正在分割…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="163"/>
        <source>Correction failed: {reason}</source>
        <translation>修正失败：{reason}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="169"/>
        <source>Target #{id} re-segmented</source>
        <translation>目标 #{id} 已重新分割</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="169"/>
        <source>Target #{id} added</source>
        <translation>目标 #{id} 已添加</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="170"/>
        <source>Target #{id} deleted</source>
        <translation>目标 #{id} 已删除</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="170"/>
        <source>Undone: target #{id}</source>
        <translation>已撤销：目标 #{id}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="174"/>
        <source> · {ms:.0f} ms</source>
        <translation> · {ms:.0f} 毫秒</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/correct_panel.py" line="173"/>
        <source> · {area} m²</source>
        <translation> · {area} 平方米</translation>
    </message>
</context>
<context>
    <name>ExtentChoice</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/extent_choice.py" line="57"/>
        <source>Extent</source>
        <translation>范围</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/extent_choice.py" line="60"/>
        <source>Current map view</source>
        <translation>当前地图视图</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/extent_choice.py" line="60"/>
        <source>Whole layer</source>
        <translation>整个图层</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/extent_choice.py" line="60"/>
        <source>Rectangle drawn on the map</source>
        <translation>在地图上绘制的矩形</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/extent_choice.py" line="60"/>
        <source>Bounding box of selected features</source>
        <translation>所选要素的外包矩形</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/extent_choice.py" line="67"/>
        <source>Draw…</source>
        <translation>绘制…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/extent_choice.py" line="70"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/extent_choice.py" line="71"/>
        <source>Remove the rectangle drawn on the map</source>
        <translation>移除在地图上绘制的矩形</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/extent_choice.py" line="145"/>
        <source>No rectangle drawn: press Draw… and drag a rectangle on the map.</source>
        <translation>尚未绘制矩形：请点击“绘制…”并在地图上拖出一个矩形。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/extent_choice.py" line="150"/>
        <source>No selected features: select features in the active vector layer.</source>
        <translation>没有选中的要素：请在当前矢量图层中选择要素。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/extent_choice.py" line="158"/>
        <source>The extent does not overlap the raster {name}.</source>
        <translation>该范围与栅格 {name} 不重叠。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/extent_choice.py" line="155"/>
        <source>The extent cannot be reprojected to the raster&apos;s CRS {crs}: zoom to the raster {name}, or choose Whole layer.</source>
        <translation>该范围无法重投影到栅格的坐标参考系 {crs}：请缩放到栅格 {name}，或选择“整个图层”。</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="56"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="60"/>
        <source>Question</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="60"/>
        <source>Raster</source>
        <translation>栅格</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="60"/>
        <source>Started (UTC)</source>
        <translation>开始时间（UTC）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="60"/>
        <source>Boxes</source>
        <translation>框</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="60"/>
        <source>Masks</source>
        <translation>掩膜</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="60"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="68"/>
        <source>Reopen</source>
        <translation>重新打开</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="69"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="70"/>
        <source>Redo post-processing</source>
        <translation>重做后处理</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="71"/>
        <source>Segment and vectorise the run again from its recorded answers (the model is not asked again)</source>
        <translation>根据记录的回答重新分割并矢量化该运行（不会再次询问模型）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="78"/>
        <source>empty: boxes only</source>
        <translation>留空：仅框</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="79"/>
        <source>SAM</source>
        <translation>SAM</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="83"/>
        <source>Simplify (map units)</source>
        <translation>简化（地图单位）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="87"/>
        <source>Minimum area (map units²)</source>
        <translation>最小面积（地图单位²）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="107"/>
        <source>Runs in {folder}</source>
        <translation>{folder} 中的运行</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="152"/>
        <source>Resuming “{q}”…</source>
        <translation>正在继续“{q}”…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="159"/>
        <source>Redoing the post-processing of “{q}” from its recorded answers…</source>
        <translation>正在根据记录的回答重做“{q}”的后处理…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="164"/>
        <source>Wait for the running analysis to finish.</source>
        <translation>请等待正在进行的分析完成。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/history_panel.py" line="184"/>
        <source>Failed: {reason}</source>
        <translation>失败：{reason}</translation>
    </message>
</context>
<context>
    <name>ModeHint</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/mode_choice.py" line="34"/>
        <source>Find all takes a short noun phrase, not a sentence: try “{phrase}”.</source>
        <translation>“查找全部”需要简短的名词短语而不是句子：试试“{phrase}”。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/mode_choice.py" line="34"/>
        <source>Find all takes a short noun phrase, e.g. “tree crown”.</source>
        <translation>“查找全部”需要简短的名词短语，例如“树冠”。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/mode_choice.py" line="37"/>
        <source>Find all: type a short noun phrase naming the objects, e.g. “tree crown”; SAM 3 outlines every instance with its score.</source>
        <translation>查找全部：输入一个命名对象的简短名词短语，例如“树冠”；SAM 3 会勾勒出每个实例并给出得分。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/mode_choice.py" line="45"/>
        <source>Many objects per view ({n} in all): Find all (SAM 3) with “{phrase}” may find every one of them.</source>
        <translation>每个视图中对象很多（共 {n} 个）：用“{phrase}”运行“查找全部”（SAM 3）或许能把它们全部找出。</translation>
    </message>
</context>
<context>
    <name>ModelsWidget</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="85"/>
        <source>SAM checkpoints folder</source>
        <translation>SAM 检查点文件夹</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="86"/>
        <source>Offline: never download, use only files already here</source>
        <translation>离线：从不下载，仅使用本地已有文件</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="116"/>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="117"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="118"/>
        <source>Use</source>
        <translation>使用</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="237"/>
        <source>Use a local folder…</source>
        <translation>使用本地文件夹…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="120"/>
        <source>Test load</source>
        <translation>测试加载</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="121"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="237"/>
        <source>Use a local file…</source>
        <translation>使用本地文件…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="257"/>
        <source>Set up the engine first (Engine tab): downloads run in the engine environment.</source>
        <translation>请先安装引擎（“引擎”标签页）：下载在引擎环境中进行。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="280"/>
        <source>RemoteReasoner: model states</source>
        <translation>RemoteReasoner：模型状态</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="292"/>
        <source>Could not read the model states: {m}</source>
        <translation>无法读取模型状态：{m}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="297"/>
        <source>Select a model in the list first.</source>
        <translation>请先在列表中选择一个模型。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="303"/>
        <source>RemoteReasoner: downloading {m}</source>
        <translation>RemoteReasoner：正在下载 {m}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="310"/>
        <source>Downloading {m}…</source>
        <translation>正在下载 {m}…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="328"/>
        <source>Downloaded: {path}</source>
        <translation>已下载：{path}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="340"/>
        <source>Cancelling… the partial download is kept and resumes next time.</source>
        <translation>正在取消…已下载的部分会保留，下次继续。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="371"/>
        <source>Runs now use {m}.</source>
        <translation>之后的运行将使用 {m}。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="379"/>
        <source>SAM checkpoint</source>
        <translation>SAM 检查点</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="379"/>
        <source>SAM checkpoint (*.pth *.pt)</source>
        <translation>SAM 检查点 (*.pth *.pt)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="382"/>
        <source>Model folder (config.json and weights)</source>
        <translation>模型文件夹（config.json 和权重）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="395"/>
        <source>{path} is not a model folder: {file} is missing. Choose the folder that holds config.json and the weights.</source>
        <translation>{path} 不是模型文件夹：缺少 {file}。请选择包含 config.json 和权重的文件夹。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="405"/>
        <source>{path} is neither a model folder nor a SAM checkpoint (.pth).</source>
        <translation>{path} 既不是模型文件夹，也不是 SAM 检查点（.pth）。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="408"/>
        <source>Runs now use {path}.</source>
        <translation>之后的运行将使用 {path}。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="427"/>
        <source>Loading the model in the engine… (a 7B model takes a minute)</source>
        <translation>正在引擎中加载模型…（7B 模型约需一分钟）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="150"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="150"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="150"/>
        <source>Licence</source>
        <translation>许可证</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="150"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="150"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="153"/>
        <source>absent</source>
        <translation>未下载</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="153"/>
        <source>present</source>
        <translation>已就绪</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="153"/>
        <source>partial</source>
        <translation>不完整</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="154"/>
        <source>downloading</source>
        <translation>下载中</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="154"/>
        <source>corrupt</source>
        <translation>已损坏</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="213"/>
        <source>{title} — runs use this model</source>
        <translation>{title} — 运行使用此模型</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="442"/>
        <source>{model} and {sam}</source>
        <translation>{model} 和 {sam}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="448"/>
        <source>The model loads: {model}.</source>
        <translation>模型可以加载：{model}。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="448"/>
        <source>{model} does not load: {why}</source>
        <translation>{model} 无法加载：{why}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="92"/>
        <source>An authentication configuration whose password or token is your Hugging Face access token (read access), for gated models such as SAM 3. HF_TOKEN in the environment works too.</source>
        <translation>一个认证配置，其密码或令牌为你的 Hugging Face 访问令牌（读取权限），用于 SAM 3 等需申请访问的模型。也可以使用环境变量 HF_TOKEN。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="95"/>
        <source>Hugging Face token</source>
        <translation>Hugging Face 令牌</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="245"/>
        <source>{m} is gated on Hugging Face: request access on https://huggingface.co/{src} (accept the {licence}), then download with your access token.</source>
        <translation>{m} 在 Hugging Face 上需申请访问：请在 https://huggingface.co/{src} 申请访问（接受 {licence}），然后用你的访问令牌下载。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="249"/>
        <source>No token yet: choose an authentication configuration holding it under &quot;Hugging Face token&quot; (or set HF_TOKEN).</source>
        <translation>尚无令牌：请在“Hugging Face 令牌”处选择保存它的认证配置（或设置 HF_TOKEN）。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/models_tab.py" line="205"/>
        <source>{title} — chosen in the settings, not downloaded yet</source>
        <translation>{title} — 已在设置中选择，尚未下载</translation>
    </message>
</context>
<context>
    <name>MosaicAlgorithm</name>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="82"/>
        <source>Reason over a mosaic</source>
        <translation>对镶嵌影像推理</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="85"/>
        <source>Asks one question over a mosaic of GeoTIFFs that share edges and one CRS: a folder of them, a VRT, or a tile index layer (as gdaltindex writes, with a &apos;location&apos; field). The answer is that of one run over their VRT: a target cut by the edge between two files comes out once, and each feature names its source file in the &apos;raster&apos; field. The work is split in parts that run in parallel on Ray, on this computer or on a cluster (Ray address). Run it again after an interruption: finished parts are kept. An unreadable file is skipped and named; a file in another CRS or resolution is refused unless &apos;Leave out files on another grid&apos; is checked. The model and the tiling come from the RemoteReasoner settings.</source>
        <translation>对共享边界、同一坐标系的 GeoTIFF 镶嵌影像提出一个问题：可以是一个文件夹、一个 VRT，或一个瓦片索引图层（gdaltindex 生成，带“location”字段）。结果与对其 VRT 运行一次相同：被两个文件边界切开的目标只输出一次，每个要素在“raster”字段中注明其源文件。工作被拆分为若干部分，在 Ray 上并行运行（本机或集群的 Ray 地址）。中断后再次运行即可：已完成的部分会被保留。无法读取的文件会被跳过并列出；其他坐标系或分辨率的文件会被拒绝，除非勾选“排除其他网格的文件”。模型和分块设置取自 RemoteReasoner 设置。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="100"/>
        <source>Folder of GeoTIFFs</source>
        <translation>GeoTIFF 文件夹</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="102"/>
        <source>…or a VRT or tile index file</source>
        <translation>…或 VRT 或瓦片索引文件</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="102"/>
        <source>Mosaics (*.vrt *.gpkg *.shp *.geojson)</source>
        <translation>镶嵌影像 (*.vrt *.gpkg *.shp *.geojson)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="105"/>
        <source>…or a tile index layer</source>
        <translation>…或瓦片索引图层</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="107"/>
        <source>Question (what to look for)</source>
        <translation>问题（要查找什么）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="108"/>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="111"/>
        <source>Boxes</source>
        <translation>边界框</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="111"/>
        <source>Masks</source>
        <translation>掩膜</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="111"/>
        <source>Contours</source>
        <translation>轮廓</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="115"/>
        <source>Ray cluster address (empty: Ray on this computer)</source>
        <translation>Ray 集群地址（留空：在本机运行 Ray）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="117"/>
        <source>Leave out files on another grid (CRS, resolution, bands)</source>
        <translation>排除其他网格的文件（坐标系、分辨率、波段）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="121"/>
        <source>Model servers for the openai backend, comma separated (empty: from the settings)</source>
        <translation>openai 后端的模型服务器，以逗号分隔（留空：取自设置）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="124"/>
        <source>Recorded answers (replay backend instead of the model)</source>
        <translation>录制的回答（用回放后端代替模型）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="124"/>
        <source>Recorded answers (*.jsonl *.gpkg)</source>
        <translation>录制的回答 (*.jsonl *.gpkg)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="130"/>
        <source>Result GeoPackage (all layers, model answers)</source>
        <translation>结果 GeoPackage（所有图层及模型回答）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="140"/>
        <source>Choose one mosaic: a folder of GeoTIFFs, a VRT or tile index file, or a tile index layer.</source>
        <translation>请只选择一个镶嵌影像：GeoTIFF 文件夹、VRT 或瓦片索引文件，或瓦片索引图层。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="143"/>
        <source>The mosaic &apos;{path}&apos; does not exist.</source>
        <translation>镶嵌影像“{path}”不存在。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="152"/>
        <source>The question is empty: type what to look for, e.g. &apos;storage tanks&apos;.</source>
        <translation>问题为空：请输入要查找的内容，例如“储油罐”。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="159"/>
        <source>Masks and contours need a SAM checkpoint: set one in the RemoteReasoner settings, or ask for boxes only.</source>
        <translation>掩膜和轮廓需要 SAM 检查点：请在 RemoteReasoner 设置中指定，或只请求边界框。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="163"/>
        <source>The RemoteReasoner engine is not set up (no Python at '{path}'). Use RemoteReasoner ▸ Set up engine, or choose the engine interpreter in the settings.</source>
        <translation>RemoteReasoner 引擎尚未安装（“{path}”处没有 Python）。请使用 RemoteReasoner ▸ 安装引擎，或在设置中选择引擎解释器。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="174"/>
        <source>Asking &apos;{query}&apos; over the mosaic {mosaic} on Ray ({where})</source>
        <translation>正在 Ray（{where}）上对镶嵌影像 {mosaic} 提问“{query}”</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="174"/>
        <source>this computer</source>
        <translation>本机</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="183"/>
        <source>The mosaic run was cancelled; run it again to continue (finished parts are kept).</source>
        <translation>镶嵌影像运行已取消；再次运行即可继续（已完成的部分会被保留）。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="208"/>
        <source>Left out: {file}</source>
        <translation>已排除：{file}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/mosaic_algorithm.py" line="209"/>
        <source>{files} file(s) in {parts} part(s), {reused} kept from an earlier run; done in {seconds:.1f} s; all results and the model answers are in {gpkg}</source>
        <translation>{files} 个文件，{parts} 个部分，其中 {reused} 个沿用之前的运行；用时 {seconds:.1f} 秒完成；所有结果和模型回答都在 {gpkg} 中</translation>
    </message>
</context>
<context>
    <name>QuestionPanel</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="40"/>
        <source>Raster layer</source>
        <translation>栅格图层</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="48"/>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="54"/>
        <source>One answer per tile</source>
        <translation>每个瓦片一个答案</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="55"/>
        <source>Ask each tile at full resolution and map the answers on the tile footprints, instead of one view of the whole extent</source>
        <translation>以全分辨率询问每个瓦片，并把答案绘制在瓦片范围上，而不是整个范围一个视图</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="61"/>
        <source>Question</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="64"/>
        <source>Recent questions</source>
        <translation>最近的问题</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="68"/>
        <source>Ask one of your recent questions again</source>
        <translation>再次提出您最近的某个问题</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="80"/>
        <source>Boxes</source>
        <translation>边界框</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="81"/>
        <source>Masks</source>
        <translation>掩膜</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="82"/>
        <source>Contours</source>
        <translation>轮廓</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="148"/>
        <source>e.g. How many ships are in the harbour?</source>
        <translation>例如：港口里有多少艘船？</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="148"/>
        <source>No question needed: the model describes the area</source>
        <translation>无需提问：模型会描述该区域</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/question_panel.py" line="148"/>
        <source>e.g. every tree crown in the clearing</source>
        <translation>例如：空地中的每一个树冠</translation>
    </message>
</context>
<context>
    <name>ReasonAlgorithm</name>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="228"/>
        <source>Reason over raster</source>
        <translation>对栅格进行推理</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="231"/>
        <source>detection,segmentation,LLM,VLM,question,boxes,masks,contours,SAM,Qwen</source>
        <translation>检测,分割,LLM,VLM,问题,边界框,掩膜,轮廓,SAM,Qwen</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="258"/>
        <source>Input raster</source>
        <translation>输入栅格</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="260"/>
        <source>Question (what to look for)</source>
        <translation>问题（要查找什么）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="262"/>
        <source>Extent (default: the whole raster)</source>
        <translation>范围（默认：整个栅格）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="264"/>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="269"/>
        <source>Boxes</source>
        <translation>边界框</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="269"/>
        <source>Masks</source>
        <translation>掩膜</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="269"/>
        <source>Contours</source>
        <translation>轮廓</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="297"/>
        <source>Tile size (pixels)</source>
        <translation>瓦片大小（像素）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="299"/>
        <source>Tile overlap (pixels)</source>
        <translation>瓦片重叠（像素）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="301"/>
        <source>Maximum model input pixels per tile</source>
        <translation>每个瓦片的模型最大输入像素数</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="303"/>
        <source>Model backend</source>
        <translation>模型后端</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="305"/>
        <source>Model (folder, Hugging Face id or server model name; empty: from the settings)</source>
        <translation>模型（文件夹、Hugging Face ID 或服务器模型名；留空：取自设置）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="310"/>
        <source>Device (auto, cpu, cuda, cuda:N)</source>
        <translation>设备（auto、cpu、cuda、cuda:N）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="311"/>
        <source>Simplify tolerance (map units)</source>
        <translation>简化容差（地图单位）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="313"/>
        <source>Minimum mask area (map units²)</source>
        <translation>最小掩膜面积（地图单位²）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="315"/>
        <source>Recorded answers for the replay backend (.jsonl or result .gpkg)</source>
        <translation>回放后端使用的录制回答（.jsonl 或结果 .gpkg）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="315"/>
        <source>Recorded answers (*.jsonl *.gpkg)</source>
        <translation>录制的回答 (*.jsonl *.gpkg)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="317"/>
        <source>Model server URL for the openai backend (empty: from the settings)</source>
        <translation>openai 后端的模型服务器 URL（留空：取自设置）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="329"/>
        <source>Result GeoPackage (all layers, model answers)</source>
        <translation>结果 GeoPackage（所有图层及模型回答）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="330"/>
        <source>Run id</source>
        <translation>运行 ID</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="360"/>
        <source>The question is empty: type what to look for, e.g. &apos;storage tanks&apos;.</source>
        <translation>问题为空：请输入要查找的内容，例如“储油罐”。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="342"/>
        <source>Choose at least one kind of result: boxes, masks or contours.</source>
        <translation>请至少选择一种结果：边界框、掩膜或轮廓。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="354"/>
        <source>The input raster cannot be opened: choose a raster layer or an existing raster file.</source>
        <translation>无法打开输入栅格：请选择一个栅格图层或已存在的栅格文件。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="388"/>
        <source>The SAM checkpoint &apos;{path}&apos; does not exist: download one in the RemoteReasoner model manager or choose another file.</source>
        <translation>SAM 检查点“{path}”不存在：请在 RemoteReasoner 模型管理器中下载，或选择其他文件。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="391"/>
        <source>The recorded answers file &apos;{path}&apos; does not exist.</source>
        <translation>录制的回答文件“{path}”不存在。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="395"/>
        <source>Masks and contours need a SAM checkpoint: set &apos;SAM checkpoint&apos; in the advanced parameters or in the RemoteReasoner settings, or ask for boxes only.</source>
        <translation>掩膜和轮廓需要 SAM 检查点：请在高级参数或 RemoteReasoner 设置中指定“SAM 检查点”，或只请求边界框。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="397"/>
        <source>The replay backend needs a file of recorded answers: set &apos;Recorded answers&apos; in the advanced parameters.</source>
        <translation>回放后端需要录制的回答文件：请在高级参数中指定“录制的回答”。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="399"/>
        <source>The openai backend needs the model server URL (e.g. http://gpu-server:8000/v1): set it in the advanced parameters or in the RemoteReasoner settings.</source>
        <translation>openai 后端需要模型服务器 URL（例如 http://gpu-server:8000/v1）：请在高级参数或 RemoteReasoner 设置中指定。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="432"/>
        <source>The RemoteReasoner engine is not set up (no Python at '{path}'). Use RemoteReasoner ▸ Set up engine, or choose the engine interpreter in the settings.</source>
        <translation>RemoteReasoner 引擎尚未安装（“{path}”处没有 Python）。请使用 RemoteReasoner ▸ 安装引擎，或在设置中选择引擎解释器。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="435"/>
        <source>Asking &apos;{query}&apos; about {raster} ({granularity}) with the {backend} backend</source>
        <translation>正在使用 {backend} 后端就 {raster} 提问“{query}”（{granularity}）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="444"/>
        <source>Waiting for the RemoteReasoner run in progress to finish…</source>
        <translation>正在等待进行中的 RemoteReasoner 运行结束…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="478"/>
        <source>Done in {seconds:.1f} s; all results and the model answers are in {gpkg}</source>
        <translation>用时 {seconds:.1f} 秒完成；所有结果和模型回答都在 {gpkg} 中</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="472"/>
        <source>{layer} were not asked for in &apos;Results&apos;: {param} is not written.</source>
        <translation>“结果”中未选择 {layer}：不写入 {param}。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="307"/>
        <source>SAM: a SAM 1 .pth, a SAM 2.1 folder or hub id such as facebook/sam2.1-hiera-tiny (empty: from the settings)</source>
        <translation>SAM：SAM 1 的 .pth 文件、SAM 2.1 文件夹或 Hub 标识（如 facebook/sam2.1-hiera-tiny）（留空：使用设置中的值）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="385"/>
        <source>SAM {name} is not downloaded yet: download it in the RemoteReasoner model manager (Models tab).</source>
        <translation>SAM {name} 尚未下载：请在 RemoteReasoner 模型管理器（“模型”选项卡）中下载。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="276"/>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="276"/>
        <source>Locate: boxes, masks, contours</source>
        <translation>定位：框、掩膜、轮廓</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="276"/>
        <source>Ask: an answer in text</source>
        <translation>提问：以文字回答</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="276"/>
        <source>Describe: a caption of the area</source>
        <translation>描述：区域说明</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="286"/>
        <source>Answers (view footprints)</source>
        <translation>答案（视图范围）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="289"/>
        <source>Answer report</source>
        <translation>答案报告</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="289"/>
        <source>HTML files (*.html)</source>
        <translation>HTML 文件 (*.html)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="331"/>
        <source>Answer (Ask / Describe)</source>
        <translation>答案（提问/描述）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="465"/>
        <source>Describe</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="492"/>
        <source>Answer: {answer}</source>
        <translation>答案：{answer}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="492"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="276"/>
        <source>Find all: every instance of a noun phrase (SAM 3)</source>
        <translation>查找全部：名词短语的每个实例（SAM 3）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="319"/>
        <source>SAM 3 for find all: folder or Hugging Face id (empty: from the settings)</source>
        <translation>用于查找全部的 SAM 3：文件夹或 Hugging Face ID（留空：取自设置）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="321"/>
        <source>Find all: keep instances scoring above</source>
        <translation>查找全部：保留得分高于此值的实例</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="234"/>
        <source>Asks a natural-language question about a raster (e.g. &apos;the storage tanks next to the pier&apos;) and returns the answers as vector layers in the raster&apos;s CRS: one box per target, a mask per target from Segment Anything, and the mask outlines. Strategy: Quick asks one downscaled view of the whole extent, Focused asks it and then each find again at full resolution, Thorough cuts large rasters into overlapping tiles. The model runs in the RemoteReasoner engine process configured in the plugin settings; advanced parameters default to those settings. Masks and contours need a SAM checkpoint.

Mode Ask answers the question in text and Describe captions the area, with the checkpoint&apos;s own instructions: one view of the whole extent (downscaled to the pixel budget), or one answer per tile written on the tile footprints. The answer is the ANSWER output (for a counting question over tiles, the sum of the per-tile counts), with an HTML report.

Mode Find all gives every instance of a short noun phrase (e.g. &apos;tree crown&apos;) with SAM 3 instead of the reasoner: a box, a mask and a contour per instance, each with its score; instances scoring at or below the score threshold are dropped. SAM 3 is gated on Hugging Face: download it in the RemoteReasoner model manager (Models tab) first.</source>
        <translation>用自然语言就栅格提出问题（例如“码头旁的储油罐”），并以栅格坐标参考系中的矢量图层返回答案：每个目标一个边界框、一个由 Segment Anything 生成的掩膜，以及掩膜的轮廓线。策略：快速只询问整个范围的一张缩小视图，聚焦先询问它、再以全分辨率重新询问每个发现，全面则把大型栅格切分为相互重叠的瓦片。模型运行在插件设置中配置的 RemoteReasoner 引擎进程里；高级参数默认取自这些设置。掩膜和轮廓需要 SAM 检查点。

“提问”模式以文字回答问题，“描述”模式为区域生成说明，均使用检查点自身的指令：整个范围一个视图（缩小到像素预算），或每个瓦片一个答案并写在瓦片范围上。答案是 ANSWER 输出（对瓦片上的计数问题，为各瓦片计数之和），并附 HTML 报告。

“查找全部”模式用 SAM 3 代替推理模型，找出一个简短名词短语（例如“树冠”）的每个实例：每个实例一个边界框、一个掩膜和一条轮廓线，各带其得分；得分不高于阈值的实例会被丢弃。SAM 3 在 Hugging Face 上需申请访问：请先在 RemoteReasoner 模型管理器（模型选项卡）中下载。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="292"/>
        <source>Strategy</source>
        <translation>策略</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/processing/reason_algorithm.py" line="281"/>
        <source>Ask / Describe: one answer per tile</source>
        <translation>提问 / 描述：每个瓦片一个答案</translation>
    </message>
</context>
<context>
    <name>RemoteReasonerAlgorithm</name>
    <message>
        <location filename="../remotereasoner_qgis/processing/algorithm_base.py" line="27"/>
        <source>Visual reasoning</source>
        <translation>视觉推理</translation>
    </message>
</context>
<context>
    <name>RemoteReasonerDock</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/dock.py" line="83"/>
        <source>Reason on extent</source>
        <translation>对范围进行推理</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/dock.py" line="309"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/dock.py" line="84"/>
        <source>Ctrl+Enter</source>
        <translation>Ctrl+Enter</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/dock.py" line="85"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/dock.py" line="94"/>
        <source>Reasoning</source>
        <translation>推理过程</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/dock.py" line="164"/>
        <source>Set up engine…</source>
        <translation>安装引擎…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/dock.py" line="164"/>
        <source>Models…</source>
        <translation>模型…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/dock.py" line="226"/>
        <source>View {i}:</source>
        <translation>第 {i} 个视图：</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/dock.py" line="164"/>
        <source>Get a real model (Models tab)…</source>
        <translation>获取真实模型（“模型”选项卡）…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/dock.py" line="228"/>
        <source>First date, view {i}:</source>
        <translation>第一个日期，视图 {i}：</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/dock.py" line="228"/>
        <source>Second date, view {i}:</source>
        <translation>第二个日期，视图 {i}：</translation>
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
        <translation>RemoteReasoner：以矢量图层回答关于影像的问题</translation>
    </message>
</context>
<context>
    <name>ResultsTable</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/results_table.py" line="31"/>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/results_table.py" line="31"/>
        <source>Label</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/results_table.py" line="31"/>
        <source>Area (m²)</source>
        <translation>面积（m²）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/results_table.py" line="42"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/results_table.py" line="71"/>
        <source>Box area: SAM found no mask for this target.</source>
        <translation>框面积：SAM 未为该目标找到掩膜。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/results_table.py" line="76"/>
        <source>Mask area (m²)</source>
        <translation>掩膜面积 (m²)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/results_table.py" line="78"/>
        <source>Area (m²): mask, else box (italic)</source>
        <translation>面积 (m²)：掩膜，否则为框（斜体）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/results_table.py" line="80"/>
        <source>Box area (m²)</source>
        <translation>框面积 (m²)</translation>
    </message>
</context>
<context>
    <name>RunStatus</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/run_status.py" line="39"/>
        <source>Idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/run_status.py" line="57"/>
        <source>Results go to a temporary folder (set an output folder in the settings to keep them): {path}</source>
        <translation>结果保存在临时文件夹中（如需保留，请在设置中指定输出文件夹）：{path}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/run_status.py" line="57"/>
        <source>Results: {path}</source>
        <translation>结果：{path}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/run_status.py" line="62"/>
        <source>Starting the engine…</source>
        <translation>正在启动引擎…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/run_status.py" line="71"/>
        <source>ETA {s} s</source>
        <translation>预计还需 {s} 秒</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/run_status.py" line="75"/>
        <source>Cancelling after the current view…</source>
        <translation>将在当前视图完成后取消…</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="51"/>
        <source>RemoteReasoner settings</source>
        <translation>RemoteReasoner 设置</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="62"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="64"/>
        <source>Local model</source>
        <translation>本地模型</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="65"/>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="83"/>
        <source>Model (hub id or folder)</source>
        <translation>模型（Hub ID 或文件夹）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="103"/>
        <source>Server URL</source>
        <translation>服务器 URL</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="112"/>
        <source>Server model</source>
        <translation>服务器模型</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="114"/>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="118"/>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="129"/>
        <source>Segmentation and compute</source>
        <translation>分割与计算</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="132"/>
        <source>SAM checkpoint (*.pth *.pt)</source>
        <translation>SAM 检查点 (*.pth *.pt)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="135"/>
        <source>SAM checkpoint</source>
        <translation>SAM 检查点</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="141"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="144"/>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="147"/>
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="146"/>
        <source>Tile size</source>
        <translation>瓦片大小</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="148"/>
        <source>Overlap</source>
        <translation>重叠</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="158"/>
        <source>Max pixels per view</source>
        <translation>每个视图的最大像素数</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="162"/>
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="167"/>
        <source>empty: a temporary folder ({path})</source>
        <translation>留空：临时文件夹（{path}）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="167"/>
        <source>empty: beside the project ({path})</source>
        <translation>留空：项目文件旁（{path}）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="171"/>
        <source>Output folder</source>
        <translation>输出文件夹</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="173"/>
        <source>Engine Python</source>
        <translation>引擎 Python</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="317"/>
        <source>Type the server URL first, e.g. http://gpu-server:8000/v1.</source>
        <translation>请先输入服务器 URL，例如 http://gpu-server:8000/v1。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="325"/>
        <source>Connection failed: {reason}</source>
        <translation>连接失败：{reason}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="117"/>
        <source>Tiles in flight</source>
        <translation>并行处理的瓦片数</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="82"/>
        <source>hub id ({model}) or a local folder</source>
        <translation>Hub ID（{model}）或本地文件夹</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="86"/>
        <source>The instruction the model gets around your question: a template name, or your own .txt file with {query} where the question goes.</source>
        <translation>模型在您的问题之外收到的指令：一个模板名称，或您自己的 .txt 文件（用 {query} 表示问题所在的位置）。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="89"/>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="91"/>
        <source>As the prompt template says</source>
        <translation>按提示词模板的设定</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="93"/>
        <source>Pixels of the resized model input (model-input)</source>
        <translation>缩放后模型输入的像素 (model-input)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="93"/>
        <source>Pixels of the view before resizing (original-image)</source>
        <translation>缩放前视图的像素 (original-image)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="98"/>
        <source>Which pixels the model&apos;s boxes are in; a template states it for the model it was written for.</source>
        <translation>模型输出的框所用的像素坐标；模板会为其所针对的模型说明这一点。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="100"/>
        <source>Box coordinates</source>
        <translation>框坐标</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="208"/>
        <source>Default for the model</source>
        <translation>模型的默认值</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="212"/>
        <source>File: {name}</source>
        <translation>文件：{name}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="214"/>
        <source>Choose file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="223"/>
        <source>Prompt template</source>
        <translation>提示词模板</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="223"/>
        <source>Prompt templates (*.txt)</source>
        <translation>提示词模板 (*.txt)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="304"/>
        <source>The overlap must be less than half the tile size ({n} px).</source>
        <translation>重叠必须小于瓦片尺寸的一半（{n} 像素）。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="134"/>
        <source>a SAM 1 .pth, or SAM 2.1: facebook/sam2.1-hiera-tiny or a folder</source>
        <translation>SAM 1 的 .pth 文件，或 SAM 2.1：facebook/sam2.1-hiera-tiny 或一个文件夹</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="71"/>
        <source>Recorded answers</source>
        <translation>录制的回答</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="296"/>
        <source>This URL holds a credential (user:password@ or a key in the query). Settings are stored as plain text: remove it from the URL and add the key under API key (QGIS&apos;s authentication manager).</source>
        <translation>此 URL 含有凭据（user:password@ 或查询中的密钥）。设置以明文保存：请从 URL 中删除它，并在“API 密钥”中添加密钥（QGIS 的身份验证管理器）。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="93"/>
        <source>0 to 1000 across the image, Qwen2-VL / Qwen3-VL (relative-1000)</source>
        <translation>图像上 0 到 1000 的相对坐标，Qwen2-VL / Qwen3-VL (relative-1000)</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/settings_dialog.py" line="137"/>
        <source>Find all: score threshold</source>
        <translation>查找全部：分数阈值</translation>
    </message>
</context>
<context>
    <name>SetupDialog</name>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="100"/>
        <source>Set up the RemoteReasoner engine</source>
        <translation>安装 RemoteReasoner 引擎</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="116"/>
        <source>Engine</source>
        <translation>引擎</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="118"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="131"/>
        <source>Platform</source>
        <translation>平台</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="136"/>
        <source>No Python 3.10 or newer found: install one, or pick an interpreter below</source>
        <translation>未找到 Python 3.10 或更高版本：请安装一个，或在下方选择解释器</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="137"/>
        <source>Python for the environment</source>
        <translation>用于该环境的 Python</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="140"/>
        <source>NVIDIA GPU</source>
        <translation>NVIDIA GPU</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="145"/>
        <source>torch build</source>
        <translation>torch 版本</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="148"/>
        <source>New environment in the QGIS profile: {path}</source>
        <translation>在 QGIS 配置文件中新建环境：{path}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="151"/>
        <source>An existing interpreter (e.g. a conda environment&apos;s python):</source>
        <translation>已有的解释器（例如 conda 环境中的 python）：</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="156"/>
        <source>Environment</source>
        <translation>环境</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="164"/>
        <source>empty: download from PyPI (and the PyTorch index)</source>
        <translation>留空：从 PyPI（及 PyTorch 索引）下载</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="165"/>
        <source>Wheel folder (offline install)</source>
        <translation>Wheel 文件夹（离线安装）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="166"/>
        <source>none (QGIS Options › Network)</source>
        <translation>无（QGIS 选项 › 网络）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="168"/>
        <source>Proxy</source>
        <translation>代理</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="177"/>
        <source>Install / repair</source>
        <translation>安装/修复</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="178"/>
        <source>Check engine</source>
        <translation>检查引擎</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="182"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="246"/>
        <source>none found (nvidia-smi missing or no driver): the engine runs on the CPU</source>
        <translation>未找到（缺少 nvidia-smi 或没有驱动）：引擎将在 CPU 上运行</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="247"/>
        <source>{name} — driver {driver}, {mem:.1f} GB</source>
        <translation>{name} — 驱动 {driver}，{mem:.1f} GB</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="252"/>
        <source>CPU only</source>
        <translation>仅 CPU</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="254"/>
        <source>as in the requirements / wheel folder (no PyTorch index)</source>
        <translation>按依赖列表/wheel 文件夹（不使用 PyTorch 索引）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="255"/>
        <source>CUDA {v} ({b})</source>
        <translation>CUDA {v}（{b}）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="293"/>
        <source>{path} is not an interpreter of the form &lt;env&gt;/bin/python: choose the python of the environment.</source>
        <translation>{path} 不是 &lt;env&gt;/bin/python 形式的解释器：请选择该环境的 python。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="297"/>
        <source>No Python 3.10 or newer was found: install Python, then open this dialog again.</source>
        <translation>未找到 Python 3.10 或更高版本：请安装 Python，然后重新打开此对话框。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="301"/>
        <source>Environment: {path} · torch build: {b}</source>
        <translation>环境：{path} · torch 版本：{b}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="303"/>
        <source>Proxy: {p}</source>
        <translation>代理：{p}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="314"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="331"/>
        <source>Engine interpreter saved in the settings: {p}</source>
        <translation>引擎解释器已保存到设置：{p}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="352"/>
        <source>No engine at {p}: press Install / repair first.</source>
        <translation>{p} 处没有引擎：请先点击“安装/修复”。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="373"/>
        <source>Missing: {m}. Press Install / repair to finish the environment.</source>
        <translation>缺少：{m}。请点击“安装/修复”以完成环境。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="179"/>
        <source>Self-test</source>
        <translation>自检</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="180"/>
        <source>Run the whole pipeline on a synthetic raster with a tiny test model (seconds): proves the installation, not a model.</source>
        <translation>用一个微型测试模型在合成栅格上运行完整流程（几秒钟）：验证的是安装，而不是模型。</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="391"/>
        <source>Self-test running (reason → SAM → vectorise → GeoPackage)…</source>
        <translation>正在自检（推理 → SAM → 矢量化 → GeoPackage）…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="173"/>
        <source>Engine in use</source>
        <translation>正在使用的引擎</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="230"/>
        <source>{path} (not set up yet)</source>
        <translation>{path}（尚未安装）</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="344"/>
        <source>Starting the engine {path}…</source>
        <translation>正在启动引擎 {path}…</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="367"/>
        <source>The engine {path} did not start: {e}</source>
        <translation>引擎 {path} 未能启动：{e}</translation>
    </message>
    <message>
        <location filename="../remotereasoner_qgis/ui/setup_dialog.py" line="381"/>
        <source>The engine is ready: {path}</source>
        <translation>引擎已就绪：{path}</translation>
    </message>
</context>
</TS>
