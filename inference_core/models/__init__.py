"""The models: reasoning backends, prompts, answer parsing, SAM, devices, the warm-model cache and model files."""
