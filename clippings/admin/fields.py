"""Form fields of the desk's change forms and list edits."""

from django import forms

from ..cleaning import normalize_line_endings


class MultilineTextField(forms.CharField):
    """A textarea's text with the line breaks the newsroom keeps (LF), not the CR LF browsers send:
    a press release's paragraphs stay apart, and a text only re-sent is not a change (`has_changed`
    compares what this returns), so it is not marked as edited."""

    def to_python(self, value):
        return normalize_line_endings(super().to_python(value))
