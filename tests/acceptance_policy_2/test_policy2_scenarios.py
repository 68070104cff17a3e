"""Use scenarios written from the licence texts: `smallprint check --offline` on catalog ids and
model cards, against profile files. Each pins the verdicts that are right (a wrong `allowed` is the
worst answer) and words that the duties or reasons must name."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from smallprint.cli import app

_DIR = Path(tempfile.mkdtemp(prefix="smallprint-policy2-"))
_COUNT = iter(range(10_000))


def card(license_line: str, extra: str = "", body: str = "# Model\n") -> str:
    """A model card whose front matter declares `license_line`."""
    d = _DIR / f"card{next(_COUNT)}"
    d.mkdir()
    (d / "README.md").write_text(f"---\n{license_line}\n{extra}---\n{body}")
    return str(d / "README.md")


def prof(text: str) -> str:
    """A use profile file."""
    p = _DIR / f"profile{next(_COUNT)}.yaml"
    p.write_text(text)
    return str(p)


B = {"blocked"}
U = {"unclear"}
NA = {"needs-agreement"}
CO = {"conditions"}
AL = {"allowed"}
bank = prof("commercial: true\ndeployment: [on-prem, distribution]\nactivities: [inference, fine-tune]\nderivative_name: AcmeBankGPT\nmonthly_active_users: 5000\nannual_revenue_usd: 2000000000\nregions: [US]\nkeep_derivatives_proprietary: true\n")
bank_ok = prof("commercial: true\ndeployment: [on-prem, distribution]\nactivities: [inference, fine-tune]\nderivative_name: Llama-3.3-AcmeBank\nmonthly_active_users: 5000\nregions: [US]\n")
hosp = prof("commercial: true\ndeployment: [internal, saas]\nactivities: [inference]\nfields: [medical]\n")


def sd_app(rev: int) -> str:
    """A US app that ships SD weights, at a given annual revenue."""
    return prof(f"commercial: true\ndeployment: [distribution]\nactivities: [inference, redistribute-weights]\nannual_revenue_usd: {rev}\nregions: [US]\n")


defence = prof("commercial: true\ndeployment: [on-prem]\nactivities: [inference, fine-tune]\nfields: [military]\nregions: [US]\n")
distill_int = prof("commercial: false\ndeployment: [internal]\nactivities: [inference, distill, synthetic-data, fine-tune]\nderivative_name: Llama-3.1-8B-Acme\n")
synth_ship = prof("commercial: true\ndeployment: [distribution, saas]\nactivities: [synthetic-data, distill]\nderivative_name: AcmeLM-7B\nkeep_derivatives_proprietary: true\n")
saas800 = prof("commercial: true\ndeployment: [saas]\nactivities: [inference]\nmonthly_active_users: 800000000\n")
saas5m = prof("commercial: true\ndeployment: [saas]\nactivities: [inference]\nmonthly_active_users: 5000000\nannual_revenue_usd: 5000000\n")
saas_small = prof("commercial: true\ndeployment: [saas]\nactivities: [inference]\nmonthly_active_users: 20000\nannual_revenue_usd: 500000\n")
quant_prop = prof("commercial: true\ndeployment: [distribution]\nactivities: [quantize, redistribute-weights]\nkeep_derivatives_proprietary: true\n")
ft_prop_dist = prof("commercial: true\ndeployment: [on-prem, distribution]\nactivities: [fine-tune, redistribute-weights]\nkeep_derivatives_proprietary: true\n")
internal_nc = prof("commercial: false\ndeployment: [internal]\nactivities: [inference, fine-tune]\n")
saas_prop_mod = prof("commercial: true\ndeployment: [saas]\nactivities: [inference, fine-tune]\nkeep_derivatives_proprietary: true\n")
eu_company = prof("commercial: true\ndeployment: [saas]\nactivities: [inference]\nregions: [EU]\nmonthly_active_users: 10000\n")
api_synth = prof("commercial: true\ndeployment: [internal]\nactivities: [synthetic-data, distill]\nkeep_derivatives_proprietary: true\n")
pub_ft = prof("commercial: true\ndeployment: [distribution]\nactivities: [fine-tune, redistribute-weights]\nderivative_name: AcmeChat-7B\nkeep_derivatives_proprietary: false\n")
unset_comm = prof("commercial: true\ndeployment: [saas]\nactivities: [inference]\n")
legal = prof("commercial: true\ndeployment: [saas]\nactivities: [inference]\nfields: [legal]\nmonthly_active_users: 1000\n")
surv = prof("commercial: true\ndeployment: [on-prem]\nactivities: [inference]\nfields: [surveillance, biometric]\n")


L33 = "meta-llama/Llama-3.3-70B-Instruct"
L31 = "meta-llama/Llama-3.1-8B"
L2 = "meta-llama/Llama-2-7b-hf"
L3 = "meta-llama/Meta-Llama-3-8B"
S = [
 ("llama3.3 on-prem bank custom name", L33, ["-p", bank], CO, ["Llama", "Built with Llama", "Acceptable Use"]),
 ("llama3.3 on-prem bank llama name", L33, ["-p", bank_ok], CO, ["Built with Llama", "copy of the licence"]),
 ("bloom rail hospital medical", "bigscience/bloom", ["-p", hosp], B|U, ["medical"]),
 ("sd1.5 hospital medical", card("license: creativeml-openrail-m"), ["-p", hosp], B|U, ["medical"]),
 ("starcoder hospital medical", "bigcode/starcoder", ["-p", hosp], B|U, ["medical"]),
 ("sd3.5 app 5M revenue", "stabilityai/stable-diffusion-3.5-large", ["-p", sd_app(5_000_000)], NA, ["stability"]),
 ("sd3.5 app 500k revenue", "stabilityai/stable-diffusion-3.5-large", ["-p", sd_app(500_000)], CO, ["register"]),
 ("sd3.5 saas revenue unknown", "stabilityai/stable-diffusion-3.5-large", ["-p", unset_comm], CO|U|NA, ["1,000,000"]),
 ("qwen2.5-7b defence", "Qwen/Qwen2.5-7B-Instruct", ["-p", defence], AL|CO, []),
 ("qwen2.5-72b defence", "Qwen/Qwen2.5-72B-Instruct", ["-p", defence], AL|CO|U, []),
 ("deepseek-v3 defence", "deepseek-ai/DeepSeek-V3-Base", ["-p", defence], B, ["military"]),
 ("deepseek-v2 defence", "deepseek-ai/DeepSeek-V2", ["-p", defence], B, ["military"]),
 ("deepseek-r1 (MIT) defence", "deepseek-ai/DeepSeek-R1", ["-p", defence], AL|CO|U, []),
 ("llama3.1 405B distill internal", "meta-llama/Llama-3.1-405B-Instruct", ["-p", distill_int], AL|CO, []),
 ("llama3.1 synth -> shipped AcmeLM", "meta-llama/Llama-3.1-405B-Instruct", ["-p", synth_ship], CO, ["Llama", "Built with Llama"]),
 ("gemma synthetic -> mistral model", "google/gemma-2-9b-it", ["-p", synth_ship], CO|U, ["prohibited use"]),
 ("llama2 saas 800M", L2, ["-p", saas800], NA, ["700"]),
 ("llama3.1 saas 800M", L31, ["-p", saas800], NA, ["700"]),
 ("llama2 outputs train other", L2, ["-p", synth_ship], B, ["improve"]),
 ("llama3 outputs train other", L3, ["-p", synth_ship], B, ["improve"]),
 ("apache quantized proprietary", "mistralai/Mistral-7B-v0.3", ["-p", quant_prop], CO, ["licence"]),
 ("cc-by-sa model proprietary distribution", card("license: cc-by-sa-4.0"), ["-p", ft_prop_dist], B|U, ["same licence"]),
 ("gpl-3 model on-prem proprietary", card("license: gpl-3.0"), ["-p", ft_prop_dist], B|U, []),
 ("gpl-3 model internal", card("license: gpl-3.0"), ["-p", internal_nc], AL|CO, []),
 ("agpl saas proprietary mods", card("license: agpl-3.0"), ["-p", saas_prop_mod], B|U, []),
 ("agpl saas", card("license: agpl-3.0"), ["--use", "commercial-saas"], CO|U, ["source"]),
 ("gpt-4o synthetic for in-house model", "openai/gpt-4o", ["-p", api_synth], B|U, ["compet"]),
 ("claude synthetic in-house model", "anthropic/claude-sonnet-4-20250514", ["-p", api_synth], B|U, ["compet"]),
 ("gemini api EU inference", "google/gemini-2.5-flash", ["-p", eu_company], CO|U, []),
 ("gpt-4o saas inference", "openai/gpt-4o", ["-p", saas_small], CO|U, []),
 ("unknown custom licence file", card("license: other\nlicense_name: acme-model-license-v1\nlicense_link: LICENSE"), ["-p", saas_small], U, []),
 ("license other no name", card("license: other"), ["-p", saas_small], U, []),
 ("no license at all", card("tags: [text-generation]"), ["-p", saas_small], U, []),
 ("cc-by-nc model commercial saas", card("license: cc-by-nc-4.0"), ["-p", saas_small], B, ["NonCommercial"]),
 ("cc-by-nc model internal research", card("license: cc-by-nc-4.0"), ["-p", internal_nc], AL|CO, []),
 ("gemma commercial saas", "google/gemma-2-9b-it", ["--use", "commercial-saas"], CO, ["prohibited use"]),
 ("llama3.2 vision EU company", "meta-llama/Llama-3.2-11B-Vision-Instruct", ["-p", eu_company], B|NA|U, ["European Union"]),
 ("llama3.2 1B EU company", "meta-llama/Llama-3.2-1B-Instruct", ["-p", eu_company], CO, []),
 ("llama4 scout EU company", "meta-llama/Llama-4-Scout-17B-16E-Instruct", ["-p", eu_company], B|NA|U, ["European Union"]),
 ("flux dev commercial saas", "black-forest-labs/FLUX.1-dev", ["-p", saas_small], B|NA, []),
 ("flux schnell commercial saas", "black-forest-labs/FLUX.1-schnell", ["-p", saas_small], AL|CO, []),
 ("codestral commercial", "mistralai/Codestral-22B-v0.1", ["-p", saas_small], B|NA, []),
 ("qwen2.5-72b saas 800M", "Qwen/Qwen2.5-72B-Instruct", ["-p", saas800], NA, ["100"]),
 ("qwen2.5-3b commercial", "Qwen/Qwen2.5-3B-Instruct", ["-p", saas_small], B|NA, []),
 ("deepseek-v3 commercial saas", "deepseek-ai/DeepSeek-V3-Base", ["-p", saas_small], CO, ["use restrictions"]),
 ("falcon-180b saas", "tiiuae/falcon-180B", ["-p", saas_small], NA|B|U, []),
 ("starcoder on-prem", "bigcode/starcoder", ["--use", "on-prem-product"], CO, ["use restrictions"]),
 ("phi-3 commercial on-prem", "microsoft/Phi-3-mini-4k-instruct", ["--use", "on-prem-product"], AL|CO, []),
 ("sd1.5 redistribute finetune", card("license: creativeml-openrail-m"), ["-p", pub_ft], CO, ["use restrictions"]),
 ("sdxl saas", card("license: openrail++"), ["-p", saas_small], CO, []),
 ("gemma redistribute finetune", "google/gemma-2-9b-it", ["-p", pub_ft], CO, ["Gemma"]),
 ("grok-1 commercial", "xai-org/grok-1", ["-p", saas_small], AL|CO, []),
 ("grok-2 saas 5M revenue", "xai-org/grok-2", ["-p", saas5m], NA|B|U, []),
 ("nemotron-340b synthetic", "nvidia/Nemotron-4-340B-Instruct", ["-p", synth_ship], CO|AL|U, []),
 ("llama-nemotron commercial saas", "nvidia/Llama-3.1-Nemotron-70B-Instruct-HF", ["-p", saas_small], CO, ["Built with Llama"]),
 ("cohere command-r commercial", "CohereForAI/c4ai-command-r-v01", ["-p", saas_small], B|NA, []),
 ("olmo2 synthetic", "allenai/OLMo-2-1124-7B-Instruct", ["-p", synth_ship], AL|CO, []),
 ("chatglm3 commercial", "THUDM/chatglm3-6b", ["-p", saas_small], NA|CO|U, []),
 ("llama2 redistribute finetune custom name", L2, ["-p", pub_ft], CO, ["Llama 2"]),
 ("llama3.1 saas 5M users", L31, ["-p", saas5m], CO, ["Built with Llama", "Acceptable Use"]),
 ("sd3.5 saas small", "stabilityai/stable-diffusion-3.5-large", ["-p", saas_small], CO, []),
 ("llama3.1 users unknown", L31, ["--use", "commercial-saas"], CO|U, ["700"]),
 ("mislabelled apache finetune of llama3.1", card("license: apache-2.0\nbase_model: meta-llama/Llama-3.1-8B"), ["-p", saas_small], CO|U, ["Llama"]),
 ("mit card on flux-dev base", card("license: mit\nbase_model: black-forest-labs/FLUX.1-dev"), ["-p", saas_small], B|NA|U, []),
 ("cc-by-nc-sa internal", card("license: cc-by-nc-sa-4.0"), ["-p", internal_nc], AL|CO, []),
 ("llama3.1 military", card("license: llama3.1"), ["-p", defence], B, ["military"]),
 ("llama3.1 legal field", L31, ["-p", legal], U|CO|B, ["legal"]),
 ("gemma medical", "google/gemma-2-9b-it", ["-p", hosp], U|CO|B, ["medical"]),
 ("mpl-2.0 on-prem", card("license: mpl-2.0"), ["--use", "on-prem-product"], CO, []),
 ("cc-by-nd finetune redistribute", card("license: cc-by-nd-4.0"), ["-p", pub_ft], B|U, []),
 ("cc-by-4.0 redistribute finetune", card("license: cc-by-4.0"), ["-p", pub_ft], CO, ["attribut"]),
 ("cc0 anything", card("license: cc0-1.0"), ["-p", ft_prop_dist], AL|CO, []),
 ("apache saas", card("license: apache-2.0"), ["-p", saas_small], AL|CO, []),
 ("deepseek-v3 surveillance", "deepseek-ai/DeepSeek-V3-Base", ["-p", surv], B|U|CO, []),
 ("llama3.1 surveillance", L31, ["-p", surv], B|U|CO, []),
 ("codellama 800M", "meta-llama/CodeLlama-7b-hf", ["-p", saas800], NA, []),
 ("llama1 commercial", "huggyllama/llama-7b", ["-p", saas_small], B|NA, []),
]


@pytest.mark.parametrize(("target", "args", "verdicts", "words"), [s[1:] for s in S], ids=[s[0] for s in S])
def test_use_scenario_gets_a_right_verdict_naming_its_duties(target, args, verdicts, words):
    res = CliRunner().invoke(app, ["check", target, "--offline", "--format", "json", *args])
    assert res.exit_code in (0, 1), res.output
    verdict = json.loads(res.stdout)["results"][0]["verdict"]
    assert verdict["verdict"] in verdicts, verdict
    text = json.dumps(verdict).lower()
    assert [w for w in words if w.lower() not in text] == [], verdict


@pytest.mark.parametrize(("target", "args"), [s[1:3] for s in S if s[3] != AL], ids=[s[0] for s in S if s[3] != AL])
def test_conditional_or_refused_scenario_carries_a_clause_or_says_why_not(target, args):
    res = CliRunner().invoke(app, ["check", target, "--offline", "--format", "json", *args])
    verdict = json.loads(res.stdout)["results"][0]["verdict"]
    if verdict["verdict"] == "conditions":
        assert verdict["duties"], verdict
    if verdict["verdict"] != "allowed":
        assert verdict["reasons"] or verdict["duties"], verdict
