"""Sources: read what a model really ships (Hub, folder, GGUF, safetensors, card, BOM).

`dispatch.py` is the one router from a target to its models (`read_models`); a new kind
of source is a reader module here and one row of `dispatch.ROUTES`.
"""

from smallprint.sources.dispatch import expand_target, read_file, read_models, read_target
from smallprint.sources.folder import read_folder
from smallprint.sources.hub import read_hub

__all__ = ["expand_target", "read_file", "read_folder", "read_hub", "read_models", "read_target"]
