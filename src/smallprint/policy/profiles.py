"""Use profiles: what a company intends to do with a model, as data.

A profile is read from YAML (a file, or a built-in preset in `kb/profiles/`) and may
be overridden field by field from the command line. The policy evaluator compares a
profile with a licence's terms; nothing here knows any licence.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from smallprint.errors import InputError
from smallprint.kb import KB_DIR, data_dirs, load_data

PRESETS_DIR: Final = KB_DIR / "profiles"

DEFAULT_PROFILE: Final = "commercial-saas"
"""The profile judged under when a verdict is needed and nobody chose one (an inventory
entry without a profile, a policy without `default_profile`, a gate without `--use`)."""

DEPLOYMENTS: Final = ("internal", "saas", "on-prem", "distribution")
ACTIVITIES: Final = (
    "inference",
    "fine-tune",
    "distill",
    "synthetic-data",
    "redistribute-weights",
    "merge",
    "quantize",
)
KNOWN_FIELDS: Final = tuple(str(k) for k in (load_data("fields.yaml").get("synonyms") or {}))
"""Fields of use the evaluator knows synonyms for; any other text is matched literally."""

MAX_PROFILE_BYTES: Final = 256 * 1024


@dataclass(frozen=True)
class Profile:
    """The intended use. `None` for a number means "not stated", never zero."""

    name: str = "custom"
    description: str | None = None
    commercial: bool = True
    deployment: tuple[str, ...] = ("internal",)
    monthly_active_users: int | None = None
    annual_revenue_usd: int | None = None
    regions: tuple[str, ...] = ()
    activities: tuple[str, ...] = ("inference",)
    fields: tuple[str, ...] = ()
    derivative_name: str | None = None
    keep_derivatives_proprietary: bool = False

    # -- what the profile implies, named once so every rule reads the same --------
    @property
    def makes_available(self) -> bool:
        """Others (customers, the public) use the model or a product built on it."""
        return bool(set(self.deployment) - {"internal"}) or self.distributes

    @property
    def distributes(self) -> bool:
        """Copies of the weights (or a derivative) leave the company."""
        return bool({"on-prem", "distribution"} & set(self.deployment)) or (
            "redistribute-weights" in self.activities
        )

    @property
    def trains_on_outputs(self) -> bool:
        """Outputs are used to train or improve a model (distillation, synthetic data)."""
        return bool({"distill", "synthetic-data"} & set(self.activities))

    @property
    def makes_derivative(self) -> bool:
        """A new model is made from this one (weights changed or trained on outputs)."""
        return bool({"fine-tune", "merge", "quantize", "distill", "synthetic-data"} & set(self.activities))

    @property
    def modifies(self) -> bool:
        """The weights themselves are changed."""
        return bool({"fine-tune", "merge", "quantize"} & set(self.activities))

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        for k in ("deployment", "regions", "activities", "fields"):
            d[k] = list(d[k])
        return d


_LIST_FIELDS: Final = ("deployment", "regions", "activities", "fields")
_INT_FIELDS: Final = ("monthly_active_users", "annual_revenue_usd")
_BOOL_FIELDS: Final = ("commercial", "keep_derivatives_proprietary")
_TEXT_FIELDS: Final = ("name", "description", "derivative_name")
_ALLOWED_VALUES: Final[dict[str, tuple[str, ...]]] = {
    "deployment": DEPLOYMENTS,
    "activities": ACTIVITIES,
}


def _as_list(key: str, value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v for v in (p.strip() for p in value.split(",")) if v]
    if isinstance(value, tuple | set | frozenset):
        value = sorted(value) if not isinstance(value, tuple) else list(value)
    if isinstance(value, list) and any(isinstance(v, bool) for v in value):
        raise InputError(f"{where}: '{key}' has a true/false value: quote codes such as 'NO' or 'ON', "
                         "which YAML reads as booleans")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{where}: '{key}' must be a list of strings")
    items = tuple(v.strip() for v in value if v.strip())
    allowed = _ALLOWED_VALUES.get(key)
    if allowed:
        bad = [v for v in items if v not in allowed]
        if bad:
            raise InputError(f"{where}: '{key}' has unknown value {bad[0]!r} (expected one of: {', '.join(allowed)})")
    if key == "regions":
        items = tuple(v.upper() if len(v) <= 3 else v for v in items)
    if key == "fields":
        items = tuple(v.lower() for v in items)
    return tuple(dict.fromkeys(items))


def _as_int(key: str, value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = _parse_amount(value, key, where)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InputError(f"{where}: '{key}' must be a whole number >= 0")
    return value


def _parse_amount(text: str, key: str, where: str) -> int:
    """"700M", "1.5k", "2_000_000", "1,000,000" -> int: what people type on a command line."""
    t = text.strip().lower().replace(",", "").replace("_", "").lstrip("$")
    mult = {"k": 10**3, "m": 10**6, "b": 10**9, "g": 10**9}.get(t[-1:], 1)
    if mult != 1:
        t = t[:-1]
    try:
        return int(float(t) * mult) if "." in t else int(t) * mult
    except ValueError:
        raise InputError(f"{where}: '{key}' must be a whole number, got {text!r}") from None


def _as_bool(key: str, value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "yes", "1", "false", "no", "0"}:
        return value.strip().lower() in {"true", "yes", "1"}
    raise InputError(f"{where}: '{key}' must be true or false")


def profile_from_dict(data: Mapping[str, Any], where: str = "profile", base: Profile | None = None) -> Profile:
    """Validate a mapping and build a Profile over `base`; unknown keys are errors (typos must not pass)."""
    if not isinstance(data, Mapping):
        raise InputError(f"{where}: a profile must be a mapping of fields")
    known = {f.name for f in dataclasses.fields(Profile)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        k = str(key).replace("-", "_")
        if k not in known:
            raise InputError(f"{where}: unknown profile field {key!r} (known: {', '.join(sorted(known))})")
        if k in _LIST_FIELDS:
            values[k] = _as_list(k, value if value is not None else [], where)
        elif k in _INT_FIELDS:
            values[k] = _as_int(k, value, where)
        elif k in _BOOL_FIELDS:
            values[k] = _as_bool(k, value, where)
        elif value is None:
            values[k] = None
        elif not isinstance(value, str | int | float):
            raise InputError(f"{where}: '{k}' must be text")
        else:
            values[k] = str(value)
    if values.get("name") is None and "name" in values:
        values.pop("name")
    return dataclasses.replace(base or Profile(), **values)


def _read_yaml_file(path: Path) -> Any:
    from smallprint.sources.config_file import read_config_file

    return read_config_file(path, "profile file", max_bytes=MAX_PROFILE_BYTES).data


def load_profile_file(path: str | Path) -> Profile:
    """Read a profile YAML file; its name defaults to the file's stem."""
    p = Path(path)
    data = _read_yaml_file(p)
    if data is None:
        data = {}
    prof = profile_from_dict(data, str(p))
    if "name" not in data:
        prof = dataclasses.replace(prof, name=p.stem)
    return prof


def preset_names() -> list[str]:
    """The built-in presets, by name."""
    return sorted({p.stem for d in data_dirs("profiles") for p in d.glob("*.yaml")})


def load_preset(name: str) -> Profile:
    """A built-in preset by name (`commercial-saas`, ...)."""
    path = next((d / f"{name}.yaml" for d in reversed(data_dirs("profiles")) if (d / f"{name}.yaml").is_file()),
                PRESETS_DIR / f"{name}.yaml")
    if not path.is_file():
        raise InputError(f"unknown use preset {name!r} (presets: {', '.join(preset_names())})")
    prof = load_profile_file(path)
    return dataclasses.replace(prof, name=name)


def resolve_profile(spec: str | Path | Mapping[str, Any], relative_to: Path | None = None) -> Profile:
    """A preset name, a path to a YAML file, or an inline mapping -> Profile."""
    if isinstance(spec, Mapping):
        return profile_from_dict(spec, "inline profile")
    text = str(spec)
    if text in preset_names():
        return load_preset(text)
    path = Path(text)
    if relative_to is not None and not path.is_absolute():
        path = relative_to / path
    from smallprint.sources.paths import exists

    if path.suffix.lower() in {".yaml", ".yml", ".json", ".toml"} or exists(path):
        return load_profile_file(path)
    raise InputError(f"unknown profile {text!r}: not a preset ({', '.join(preset_names())}) nor a YAML file")


def apply_overrides(profile: Profile, overrides: Mapping[str, Any]) -> Profile:
    """Command-line flags over a profile; `None` values mean "flag not given"."""
    given = {k: v for k, v in overrides.items() if v is not None and v != () and v != []}
    if not given:
        return profile
    prof = profile_from_dict(given, "command line", base=profile)
    return prof if "name" in given else dataclasses.replace(prof, name=f"{profile.name}+overrides")


@dataclass(frozen=True)
class ProfileChoice:
    """What a user asked for: a profile or preset plus flag overrides."""

    spec: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)

    def resolve(self, default: str = DEFAULT_PROFILE) -> Profile:
        return apply_overrides(resolve_profile(self.spec or default), self.overrides)
