"""Units of time for :func:`cnn_core.locales.format_duration` (keys ``duration.``)."""

STRINGS = {
    "duration.s": {"pt": "{n} s", "en": "{n} s"},
    "duration.min": {"pt": "{n} min", "en": "{n} min"},
    "duration.min_s": {"pt": "{m} min {s} s", "en": "{m} min {s} s"},
    "duration.h": {"pt": "{n} h", "en": "{n} h"},
    "duration.h_min": {"pt": "{h} h {m} min", "en": "{h} h {m} min"},
    "duration.days": {"pt": "{n} dias", "en": "{n} days"},
    "duration.unknown": {"pt": "calculando…", "en": "estimating…"},
}
