import os

from diffusers import DiffusionPipeline
from huggingface_hub import hf_hub_download, snapshot_download
from sentence_transformers import SentenceTransformer
from vllm import LLM

ORG = "stabilityai"
embedder = SentenceTransformer("sentence-transformers/all-MiniLM-L6-v2")
gguf = hf_hub_download(repo_id="TheBloke/Mistral-7B-Instruct-v0.2-GGUF", filename="mistral-7b-instruct-v0.2.Q4_K_M.gguf")
snap = snapshot_download("google/gemma-2-2b-it")
llm = LLM(model=os.environ.get("SERVE_MODEL", "Qwen/Qwen2.5-7B-Instruct"))
pipe = DiffusionPipeline.from_pretrained(f"{ORG}/stable-diffusion-xl-base-1.0")
