"""Widen the pool with a search of the Hugging Face Hub, through the real `huggingface_hub` client.

`HfApi.list_models` with the Hub's own filters (task tag, search words, sorted by downloads);
honours `HF_ENDPOINT` and `HF_TOKEN` like every other Hub call. Only ids and the task tag are
taken from the listing: each model is then read and judged by the pipeline like any other.
"""

from __future__ import annotations

from dataclasses import dataclass

from smallprint.errors import SourceError


@dataclass(frozen=True)
class HubHit:
    id: str
    pipeline_tag: str | None
    downloads: int | None


def _count(n: float) -> str:
    for div, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if n >= div:
            return f"{n / div:g}{suffix}"
    return f"{n:g}"


def num_parameters(low: float | None, high: float | None) -> str | None:
    """The Hub's range syntax for `num_parameters`: `min:6B,max:128B`."""
    parts = ([f"min:{_count(low)}"] if low is not None else []) + ([f"max:{_count(high)}"] if high is not None else [])
    return ",".join(parts) or None


def search_hub(*, task: str | None = None, search: str | None = None, limit: int = 50,
               params: tuple[float | None, float | None] = (None, None)) -> list[HubHit]:
    """The most downloaded Hub models for a task (and search words, parameter range); raises
    SourceError when the Hub cannot be reached."""
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled

    from smallprint.sources.hub import HubSettings

    settings = HubSettings.from_env()  # the same endpoint, token and offline flag as every Hub read
    if settings.offline:
        raise SourceError("Hub search: offline mode is enabled (HF_HUB_OFFLINE)")
    try:
        found = HfApi(endpoint=settings.endpoint, token=settings.token).list_models(pipeline_tag=task, search=search, sort="downloads", limit=limit,
                                    num_parameters=num_parameters(*params))
        return [HubHit(m.id, m.pipeline_tag, m.downloads) for m in found]
    except OfflineModeIsEnabled as e:
        raise SourceError("Hub search: offline mode is enabled (HF_HUB_OFFLINE)") from e
    except (HfHubHTTPError, OSError, ValueError) as e:
        raise SourceError(f"Hub search failed: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}") from e
    except Exception as e:  # the HTTP library's own connection errors (after the client's retries)
        if type(e).__module__.split(".")[0] not in ("httpx", "httpx2", "httpcore", "httpcore2", "requests", "urllib3"):
            raise
        raise SourceError(f"Hub search failed: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}") from e
