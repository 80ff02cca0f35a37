"""Reasoning backends: turn (image, prompt) into the model's text. See `base.ReasonBackend`."""
