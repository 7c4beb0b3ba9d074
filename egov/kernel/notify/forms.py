"""The preferences form: one checkbox per event and channel (in-site messages are always on)."""

from __future__ import annotations

from typing import Any

from django import forms

from egov.kernel.notify.models import Channel

OPTIONAL_CHANNELS = (Channel.EMAIL, Channel.SMS)


def field_name(event: str, channel: str) -> str:
    return f"{event}__{channel}"


class PreferencesForm(forms.Form):
    def __init__(self, *args: Any, rows: list[dict[str, object]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            for channel in OPTIONAL_CHANNELS:
                if channel.value in row:
                    self.fields[field_name(str(row["event"]), channel.value)] = forms.BooleanField(
                        label=f"{row['label']}（{channel.label}）",
                        required=False,
                        initial=bool(row[channel.value]),
                    )

    def table(self) -> list[dict[str, Any]]:
        """Rows for the template: the event label and its bound fields per channel (None where absent)."""
        return [
            {
                "label": row["label"],
                "fields": [
                    self[field_name(str(row["event"]), c.value)] if c.value in row else None for c in OPTIONAL_CHANNELS
                ],
            }
            for row in self.rows
        ]

    def choices(self) -> dict[tuple[str, str], bool]:
        result: dict[tuple[str, str], bool] = {}
        for name, value in self.cleaned_data.items():
            event, channel = name.rsplit("__", 1)
            result[(event, channel)] = bool(value)
        return result
