"""Sources: read what a model really ships (Hub, folder, GGUF, safetensors, card)."""

from smallprint.sources.dispatch import expand_target, read_file, read_target
from smallprint.sources.folder import read_folder
from smallprint.sources.hub import read_hub

__all__ = ["expand_target", "read_file", "read_folder", "read_hub", "read_target"]
