"""The GOV.UK components (govuk/templatetags/govuk.py) draw GOV.UK Frontend's markup, and nothing
when they have nothing to show."""

import re

import pytest
from django import forms
from django.template import Context, Template, TemplateSyntaxError
from django.utils.safestring import mark_safe


def render(source, **context):
    html = Template("{% load govuk %}" + source).render(Context(context))
    return re.sub(r">\s+<", "><", html.strip())


def test_a_tag_has_its_text_and_classes():
    assert render('{% govuk_tag "Late" "govuk-tag--red" %}') == (
        '<strong class="govuk-tag govuk-tag--red">Late</strong>'
    )


def test_a_tag_without_classes_is_the_plain_blue_one():
    assert render('{% govuk_tag "Blue" %}') == '<strong class="govuk-tag">Blue</strong>'


def test_a_tags_text_is_escaped():
    assert render("{% govuk_tag text %}", text="<b>") == (
        '<strong class="govuk-tag">&lt;b&gt;</strong>'
    )


def test_breadcrumbs_link_each_pair_and_mark_the_current_page():
    html = render(
        '{% govuk_breadcrumbs "Plans" "/" "Plan 17-18" "/p/lewisham/plans/p/" "Action 1.2" %}'
    )

    assert html == (
        '<nav class="govuk-breadcrumbs" aria-label="Breadcrumb">'
        '<ol class="govuk-breadcrumbs__list">'
        '<li class="govuk-breadcrumbs__list-item"><a class="govuk-breadcrumbs__link" href="/">'
        "Plans</a></li>"
        '<li class="govuk-breadcrumbs__list-item"><a class="govuk-breadcrumbs__link" '
        'href="/p/lewisham/plans/p/">Plan 17-18</a></li>'
        '<li class="govuk-breadcrumbs__list-item" aria-current="page">Action 1.2</li></ol></nav>'
    )


def test_breadcrumbs_of_pairs_only_have_no_current_page():
    html = render('{% govuk_breadcrumbs "Plans" "/" %}')

    assert "aria-current" not in html
    assert '<a class="govuk-breadcrumbs__link" href="/">Plans</a>' in html


class Named(forms.Form):
    name = forms.CharField()
    note = forms.CharField(required=False, max_length=3)

    def clean(self):
        raise forms.ValidationError("Not sent as shown")


class Linked(forms.Form):
    choice = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)

    def error_links(self):
        return [("id_choice_1", error) for error in self["choice"].errors]


def summary_links(html):
    return re.findall(r"<li>(.*?)</li>", html)


def test_an_error_summary_links_each_field_of_a_form_to_its_input():
    form = Named(data={"name": "", "note": "long"})

    html = render("{% govuk_error_summary form %}", form=form)

    assert html.startswith('<div class="govuk-error-summary" data-module="govuk-error-summary">')
    assert '<h2 class="govuk-error-summary__title">There is a problem</h2>' in html
    assert summary_links(html) == [
        '<a href="#id_name">Not sent as shown</a>',
        '<a href="#id_name">This field is required.</a>',
        '<a href="#id_note">Ensure this value has at most 3 characters (it has 4).</a>',
    ]


def test_an_error_summary_uses_a_forms_own_error_links():
    html = render("{% govuk_error_summary form %}", form=Linked(data={}))

    assert summary_links(html) == ['<a href="#id_choice_1">This field is required.</a>']


def test_an_error_summary_takes_pairs_and_a_blank_id_is_not_linked():
    html = render(
        "{% govuk_error_summary links %}",
        links=[("id_title", "Enter a title"), ("", "The plan has moved on")],
    )

    assert summary_links(html) == ['<a href="#id_title">Enter a title</a>', "The plan has moved on"]


def test_an_error_summary_of_one_message_links_it_to_its_anchor():
    html = render('{% govuk_error_summary problem anchor="change-status" %}', problem="Choose one")

    assert summary_links(html) == ['<a href="#change-status">Choose one</a>']


def test_an_error_summary_puts_the_prefix_before_each_message():
    form = Linked(data={}, prefix="q3")

    html = render('{% govuk_error_summary form prefix="Q3 2017-18" %}', form=form)

    assert summary_links(html) == ['<a href="#id_choice_1">Q3 2017-18: This field is required.</a>']


@pytest.mark.parametrize(
    "errors",
    [None, "", [], Named(), Linked(data={"choice": "a"})],
    ids=["none", "blank", "empty list", "unbound form", "valid form"],
)
def test_an_error_summary_without_errors_draws_nothing(errors):
    assert render("{% govuk_error_summary errors %}", errors=errors) == ""


def test_a_banner_is_important_by_default():
    html = render(
        '{% govuk_notification_banner heading="Check it, then save." %}'
        "{% endgovuk_notification_banner %}"
    )

    assert html == (
        '<div class="govuk-notification-banner" role="region" '
        'aria-labelledby="govuk-notification-banner-title" data-module="govuk-notification-banner">'
        '<div class="govuk-notification-banner__header">'
        '<h2 class="govuk-notification-banner__title" '
        'id="govuk-notification-banner-title">Important</h2></div>'
        '<div class="govuk-notification-banner__content">'
        '<p class="govuk-notification-banner__heading">Check it, then save.</p></div></div>'
    )


def test_a_success_banner_is_green_and_announced():
    html = render(
        '{% govuk_notification_banner type="success" title_id="t-1" heading=text %}'
        "{% endgovuk_notification_banner %}",
        text="Saved",
    )

    assert (
        '<div class="govuk-notification-banner govuk-notification-banner--success" role="alert"'
        in html
    )
    assert 'aria-labelledby="t-1"' in html
    assert 'id="t-1">Success</h2>' in html


def test_a_banner_keeps_a_heading_already_safe_and_escapes_any_other():
    safe = render(
        "{% govuk_notification_banner heading=text %}{% endgovuk_notification_banner %}",
        text=mark_safe('<a class="govuk-notification-banner__link" href="/p/">the plan</a>'),  # noqa: S308
    )
    unsafe = render(
        "{% govuk_notification_banner heading=text %}{% endgovuk_notification_banner %}",
        text="<script>",
    )

    assert 'href="/p/">the plan</a>' in safe
    assert "&lt;script&gt;" in unsafe


def test_a_banner_shows_what_is_between_its_tags_with_its_own_title_role_and_classes():
    html = render(
        '{% govuk_notification_banner title="Not saved" role="alert" title_id="conflict-title" '
        'classes="app-conflict" heading="Someone saved first" %}'
        '<p class="govuk-body">{{ more }}</p>'
        "{% endgovuk_notification_banner %}",
        more="Compare",
    )

    assert html.startswith(
        '<div class="govuk-notification-banner app-conflict" role="alert" '
        'aria-labelledby="conflict-title"'
    )
    assert 'id="conflict-title">Not saved</h2>' in html
    assert (
        '<p class="govuk-notification-banner__heading">Someone saved first</p>'
        '<p class="govuk-body">Compare</p>'
    ) in html


def test_a_banner_refuses_an_option_it_does_not_have():
    with pytest.raises(TemplateSyntaxError):
        render('{% govuk_notification_banner colour="red" %}{% endgovuk_notification_banner %}')


def test_typed_text_is_handed_back_under_its_labels():
    html = render(
        '{% govuk_typed_text typed hint="Copy it." %}',
        typed=[("Narrative", "Line one\nline <two>"), ("Completion note", "Done")],
    )

    assert html == (
        '<h2 class="govuk-heading-m">What you typed</h2><p class="govuk-body">Copy it.</p>'
        '<h3 class="govuk-heading-s">Narrative</h3>'
        '<div class="govuk-inset-text app-typed-text">Line one<br>line &lt;two&gt;</div>'
        '<h3 class="govuk-heading-s">Completion note</h3>'
        '<div class="govuk-inset-text app-typed-text">Done</div>'
    )


def test_one_typed_text_has_no_label():
    html = render("{% govuk_typed_text typed %}", typed="My comment")

    assert "<h3" not in html
    assert "It has not been saved. Copy it if you need it." in html
    assert '<div class="govuk-inset-text app-typed-text">My comment</div>' in html


@pytest.mark.parametrize("typed", [None, "", []], ids=["none", "blank", "empty list"])
def test_nothing_typed_draws_nothing(typed):
    assert render("{% govuk_typed_text typed %}", typed=typed) == ""


def test_a_refusal_says_why_and_links_back():
    html = render(
        '{% govuk_refusal "The quarter is closed" "Q1 was closed." "/a/1/" "Go back to the action" '
        'caption="Plan 17-18" choices=choices typed=typed %}',
        choices=[("/a/1/update/?quarter=2", "Record progress for Q2")],
        typed=[("Narrative", "On track")],
    )

    assert html == (
        '<span class="govuk-caption-l">Plan 17-18</span>'
        '<h1 class="govuk-heading-l">The quarter is closed</h1>'
        '<p class="govuk-body">Q1 was closed.</p>'
        '<ul class="govuk-list"><li><a class="govuk-link" href="/a/1/update/?quarter=2">'
        "Record progress for Q2</a></li></ul>"
        '<h2 class="govuk-heading-m">What you typed</h2>'
        '<p class="govuk-body">It has not been saved. Copy it if you need it.</p>'
        '<h3 class="govuk-heading-s">Narrative</h3>'
        '<div class="govuk-inset-text app-typed-text">On track</div>'
        '<p class="govuk-body">Nothing has been changed. '
        '<a class="govuk-link" href="/a/1/">Go back to the action</a></p>'
    )


def test_a_refusal_without_choices_or_typed_text_has_only_its_reason():
    html = render('{% govuk_refusal "Cannot publish" "Sign it off first." "/p/" "Go back" %}')

    assert html == (
        '<h1 class="govuk-heading-l">Cannot publish</h1>'
        '<p class="govuk-body">Sign it off first.</p>'
        '<p class="govuk-body">Nothing has been changed. '
        '<a class="govuk-link" href="/p/">Go back</a></p>'
    )


def test_a_table_head_has_one_heading_per_column_with_its_modifiers():
    html = render('{% govuk_table_head "Quarter" "Target::numeric one-quarter" "Update::hidden" %}')

    assert html == (
        '<thead class="govuk-table__head"><tr class="govuk-table__row">'
        '<th scope="col" class="govuk-table__header">Quarter</th>'
        '<th scope="col" class="govuk-table__header govuk-table__header--numeric '
        'govuk-!-width-one-quarter">Target</th>'
        '<th scope="col" class="govuk-table__header">'
        '<span class="govuk-visually-hidden">Update</span></th>'
        "</tr></thead>"
    )


def test_a_table_heading_takes_a_class_of_ours_and_escapes_its_text():
    html = render('{% govuk_table_head heading "Field::app-history__field" %}', heading="<b>")

    assert '<th scope="col" class="govuk-table__header">&lt;b&gt;</th>' in html
    assert '<th scope="col" class="govuk-table__header app-history__field">Field</th>' in html
