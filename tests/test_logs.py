"""Token redaction holds for messages, arguments and tracebacks, whatever the logger."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.observability.logs import REDACTED, JsonFormatter, RedactingFilter, redact

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"


def _capture(fmt: logging.Formatter | None = None) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter((TOKEN,)))
    if fmt:
        handler.setFormatter(fmt)
    logger = logging.getLogger(f"test.redact.{id(stream)}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger, stream


def test_redact_masks_token_shapes_and_explicit_secrets() -> None:
    url = f"https://api.telegram.org/bot{TOKEN}/getMe"
    assert TOKEN not in redact(url)
    assert REDACTED in redact(url)
    assert redact("hunter2 here", ("hunter2",)) == f"{REDACTED} here"


@pytest.mark.parametrize(
    "line",
    [
        "Calling Bot API endpoint `setWebhook` with parameters `{'url': 'https://x/tg', "
        "'secret_token': 'Abc_12-xyz'}`",
        "X-Telegram-Bot-Api-Secret-Token: Abc_12-xyz",
        '{"secret_token": "Abc_12-xyz"}',
        "secret_token=Abc_12-xyz",
    ],
)
def test_redact_masks_webhook_secrets(line: str) -> None:
    cleaned = redact(line)
    assert "Abc_12-xyz" not in cleaned
    assert REDACTED in cleaned


def test_redact_leaves_ordinary_text_alone() -> None:
    text = "secret tokens are redacted; /search معاهدة 2024"
    assert redact(text) == text


def test_filter_scrubs_args_and_tracebacks() -> None:
    logger, stream = _capture()
    logger.info("calling %s", f"/bot{TOKEN}/sendMessage")
    try:
        raise RuntimeError(f"boom at /bot{TOKEN}/getUpdates")
    except RuntimeError:
        logger.exception("failed")
    out = stream.getvalue()
    assert TOKEN not in out
    assert "RuntimeError" in out
    # the message argument and the exception text (the quoted source line shows no value)
    assert out.count(REDACTED) == 2


def test_json_lines_keep_arabic_and_scrub() -> None:
    logger, stream = _capture(JsonFormatter())
    logger.warning("رسالة %s", TOKEN)
    record = json.loads(stream.getvalue().strip())
    assert record["message"] == f"رسالة {REDACTED}"
    assert record["level"] == "WARNING"


@pytest.mark.parametrize("level", ["DEBUG", "INFO"])
def test_configure_logging_quiets_httpx(level: str) -> None:
    from bot.observability.logs import configure_logging

    configure_logging(level, "plain", (TOKEN,))
    assert logging.getLogger("httpx").level >= logging.WARNING


@pytest.mark.parametrize(
    ("level", "scheduler_level"),
    [("DEBUG", logging.DEBUG), ("INFO", logging.WARNING), ("ERROR", logging.ERROR)],
)
def test_configure_logging_keeps_scheduler_ticks_out_of_info(
    level: str, scheduler_level: int
) -> None:
    from bot.observability.logs import configure_logging

    configure_logging(level, "plain", (TOKEN,))
    assert logging.getLogger("apscheduler").level == scheduler_level


def test_warnings_go_through_the_redacting_handler(capsys: pytest.CaptureFixture[str]) -> None:
    import warnings

    from bot.observability.logs import configure_logging

    logging.captureWarnings(False)  # earlier tests' configure_logging may have set it
    configure_logging("INFO", "json", (TOKEN,))
    try:
        warnings.warn(f"odd call with {TOKEN}", UserWarning, stacklevel=1)
    finally:
        logging.captureWarnings(False)
    err = capsys.readouterr().err.strip().splitlines()
    record = json.loads(err[-1])
    assert record["logger"] == "py.warnings" and record["level"] == "WARNING"
    assert TOKEN not in record["message"] and REDACTED in record["message"]
