"""Forms of the call for papers: they validate at the boundary and put errors next to the
field; saving is left to ``services``."""

from __future__ import annotations

from django import forms

from hallway.cfp.models import Answer, Question, SpeakerProfile, Submission
from hallway.common.validators import validate_web_url

MAX_ANSWER_FILE = 10 * 1024 * 1024


def _question_field(question: Question) -> forms.Field:
    common = {
        "label": question.text,
        "help_text": question.help_text,
        "required": question.required,
    }
    choices = [(c, c) for c in question.choices]
    kind = question.kind
    if kind == Question.LONG_TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), **common)
    if kind == Question.NUMBER:
        return forms.DecimalField(**common)
    if kind == Question.CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *choices], **common)
    if kind == Question.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == Question.BOOLEAN:
        if question.required:  # a required yes/no is answered by choosing, not by ticking
            return forms.TypedChoiceField(
                choices=[("", "—"), ("yes", "Yes"), ("no", "No")], **common
            )
        return forms.BooleanField(**common)
    if kind == Question.URL:
        return forms.URLField(assume_scheme="https", **common)
    if kind == Question.FILE:
        return forms.FileField(**common)
    return forms.CharField(max_length=1000, **common)


class SubmissionForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Submission
        fields = ["title", "session_type", "track", "abstract", "description", "language", "notes"]
        widgets = {
            "abstract": forms.Textarea(attrs={"rows": 5}),
            "description": forms.Textarea(attrs={"rows": 8}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"notes": "Notes for the organisers"}

    def __init__(self, *args, cfp, session_types, tracks, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session_type"].queryset = session_types
        self.fields["track"].queryset = tracks
        self.fields["track"].required = False
        self.questions = list(cfp.questions.all())
        existing = {}
        if self.instance.pk:
            for a in Answer.objects.filter(submission=self.instance):
                existing[a.question_id] = a
        for a in Answer.objects.filter(question__cfp=cfp, submission=None, user=user):
            existing[a.question_id] = a
        for q in self.questions:
            field = _question_field(q)
            answer = existing.get(q.pk)
            if answer is not None:
                if q.kind == Question.FILE:
                    field.required = False  # answered already; a new file replaces it
                    field.help_text = f"{field.help_text} Uploaded: {answer.value}".strip()
                elif q.kind == Question.MULTIPLE:
                    field.initial = [v for v in answer.value.split("\n") if v]
                elif q.kind == Question.BOOLEAN and isinstance(field, forms.BooleanField):
                    field.initial = answer.value == "yes"
                else:
                    field.initial = answer.value
            if q.target == Question.SPEAKER:
                field.label = f"{field.label} (about you)"
            self.fields[f"q{q.pk}"] = field

    def clean(self):
        data = super().clean()
        for q in self.questions:
            value = data.get(f"q{q.pk}")
            if q.kind == Question.FILE and value and value.size > MAX_ANSWER_FILE:
                self.add_error(f"q{q.pk}", "The file is larger than 10 MB.")
        return data

    def content(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}

    def answers(self) -> dict:
        return {q: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}


MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
PHOTO_SIDE = 800


def reencode_photo(upload):
    """The uploaded picture as a fresh JPEG of at most 800 px a side, or a ValidationError
    saying what is wrong.  Re-encoding drops metadata (location!) and anything that is not
    the picture; the pixel limit stops decompression bombs."""
    import io
    import secrets

    from django.core.files.base import ContentFile
    from PIL import Image, UnidentifiedImageError

    if upload.size > MAX_PHOTO_BYTES:
        raise forms.ValidationError("The photo is larger than 5 MB.")
    try:
        with Image.open(upload) as probe:
            kind = probe.format
            width, height = probe.size
            probe.verify()
        if kind not in {"JPEG", "PNG", "WEBP"}:
            raise forms.ValidationError(f"A {kind} image cannot be used: send JPEG, PNG or WebP.")
        if width * height > MAX_PHOTO_PIXELS:
            raise forms.ValidationError("The photo has too many pixels (at most 40 megapixels).")
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            image = image.convert("RGB")
            image.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
            out = io.BytesIO()
            image.save(out, "JPEG", quality=85, optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise forms.ValidationError("This file is not a picture hallway can read.") from None
    return ContentFile(out.getvalue(), name=f"{secrets.token_urlsafe(16)}.jpg")


class ProfileForm(forms.ModelForm):
    photo_upload = forms.FileField(
        label="Photo",
        required=False,
        help_text="Optional. JPEG, PNG or WebP up to 5 MB; shown at most 800 px wide.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    links_text = forms.CharField(
        label="Links",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One web address per line (your site, a code forge, a social profile).",
    )

    class Meta:
        model = SpeakerProfile
        fields = ["name", "pronouns", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"bio": "Markdown. Shown on the programme if your session is accepted."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["links_text"].initial = "\n".join(self.instance.links)

    def clean_photo_upload(self):
        upload = self.cleaned_data.get("photo_upload")
        return reencode_photo(upload) if upload else None

    def clean_links_text(self) -> list[str]:
        links = [line.strip() for line in self.cleaned_data["links_text"].splitlines()]
        links = [link for link in links if link]
        for n, link in enumerate(links, 1):
            try:
                # The one link rule every way in shares (hallway.common.validators).
                validate_web_url(link)
            except forms.ValidationError:
                raise forms.ValidationError(
                    f"Line {n} ({link[:60]}) is not an http(s) web address."
                ) from None
        if len(links) > 10:
            raise forms.ValidationError("At most 10 links.")
        return links


class InviteForm(forms.Form):
    email = forms.EmailField(label="Co-speaker's email address")


class ReviewForm(forms.Form):
    comment = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For the organisers and the other reviewers (after the review phase).",
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = list(categories)
        for c in self.categories:
            self.fields[f"c{c.pk}"] = forms.TypedChoiceField(
                label=f"{c.name} (weight {c.weight})",
                choices=[("", "—")] + [(str(v), str(v)) for v in range(c.max_score + 1)],
                coerce=int,
            )
        self.order_fields([f"c{c.pk}" for c in self.categories] + ["comment"])

    def scores(self) -> dict:
        return {c: self.cleaned_data[f"c{c.pk}"] for c in self.categories}


class CfpSettingsForm(forms.ModelForm):
    class Meta:
        from hallway.cfp.models import CallForPapers

        model = CallForPapers
        fields = [
            "opens_at",
            "closes_at",
            "text",
            "session_types",
            "tracks",
            "max_submissions_per_speaker",
            "anonymised_review",
            "phase",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 8}),
            "session_types": forms.CheckboxSelectMultiple,
            "tracks": forms.CheckboxSelectMultiple,
            "phase": forms.RadioSelect,
        }
        help_texts = {
            "opens_at": "In the event's time zone: YYYY-MM-DD HH:MM.",
            "closes_at": "In the event's time zone: YYYY-MM-DD HH:MM.",
        }

    def __init__(self, *args, session_types, tracks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session_types"].queryset = session_types
        self.fields["tracks"].queryset = tracks

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", "The call must close after it opens.")
        return data


class MailTemplateForm(forms.Form):
    subject = forms.CharField(max_length=300)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}))


class MessageForm(forms.Form):
    subject = forms.CharField(max_length=300)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}))


class QuestionForm(forms.ModelForm):
    choices_text = forms.CharField(
        label="Options",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For single and multiple choice: one option per line.",
    )

    class Meta:
        model = Question
        fields = ["text", "help_text", "kind", "target", "required", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["choices_text"].initial = "\n".join(self.instance.choices)

    def clean(self):
        data = super().clean()
        options = [line.strip() for line in data.get("choices_text", "").splitlines()]
        options = [o for o in options if o]
        kind = data.get("kind")
        if kind in (Question.CHOICE, Question.MULTIPLE):
            if len(options) < 2:
                self.add_error("choices_text", "A choice question needs at least two options.")
            elif len(set(options)) != len(options):
                self.add_error("choices_text", "Each option must differ from the others.")
        elif options:
            self.add_error("choices_text", "Only choice questions have options.")
        data["choices"] = options
        return data


class ScoreCategoryForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="What reviewers score, e.g. Relevance.")
    weight = forms.IntegerField(
        min_value=1, max_value=100, initial=1, help_text="Relevance ×2 counts twice as much."
    )
    max_score = forms.IntegerField(
        label="Highest score",
        min_value=1,
        max_value=100,
        initial=5,
        help_text="Scores run 0 to this.",
    )
    position = forms.IntegerField(min_value=0, max_value=1000, initial=0, label="Order")


class DeadlineForm(forms.Form):
    session_type = forms.ModelChoiceField(queryset=None, label="Session type")
    closes_at = forms.DateTimeField(
        label="Closes at", help_text="In the event's time zone: YYYY-MM-DD HH:MM."
    )

    def __init__(self, *args, session_types, zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session_type"].queryset = session_types
        self.fields["closes_at"].help_text = f"In {zone}, the event's time zone: YYYY-MM-DD HH:MM."


class TeamForm(forms.Form):
    email = forms.EmailField(
        label="Email address of their account",
        help_text="They need an account of their own first (sign-up verifies the address).",
    )
    role = forms.ChoiceField(choices=(), widget=forms.RadioSelect, initial="reviewer")
    tracks = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="A reviewer with no track ticked reviews every track; a track organiser "
        "sees and decides the submissions of the ticked tracks only.",
    )

    def __init__(self, *args, tracks, roles: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tracks"].queryset = tracks
        self.fields["role"].choices = list(roles.items())


class TeamMemberForm(forms.Form):
    tracks = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="No track ticked: a reviewer reviews every track.",
    )

    def __init__(self, *args, tracks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tracks"].queryset = tracks
