"""Chat service. Docstrings may say from_pretrained("docstring/not-a-ref") without counting."""

import os

import anthropic
import ollama
import openai
from transformers import AutoModelForCausalLM, AutoTokenizer, pipeline

BASE_MODEL = "meta-llama/Llama-3.1-8B-Instruct"
# model = AutoModelForCausalLM.from_pretrained("comment/not-a-ref")


def load(model_path):
    tok = AutoTokenizer.from_pretrained(BASE_MODEL)
    model = AutoModelForCausalLM.from_pretrained(BASE_MODEL, torch_dtype="auto")
    custom = AutoModelForCausalLM.from_pretrained(model_path)
    clf = pipeline("text-classification", model="distilbert/distilbert-base-uncased-finetuned-sst-2-english")
    return tok, model, custom, clf


def answer(question: str) -> str:
    local = ollama.chat(model="llama3.1:8b", messages=[{"role": "user", "content": question}])
    client = openai.OpenAI()
    resp = client.chat.completions.create(model="gpt-4o", messages=[])
    claude = anthropic.Anthropic().messages.create(model="claude-3-5-sonnet-20241022", max_tokens=10, messages=[])
    return str((local, resp, claude, os.name))
