#!/bin/sh
# ollama pull commented-out:1b
ollama pull qwen2.5:7b
huggingface-cli download black-forest-labs/FLUX.1-schnell --local-dir ./flux
./llama-server -m models/llama-3.2-3b-instruct-q4_k_m.gguf --port 8080
