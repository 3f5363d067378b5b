"""The GOV.UK Design System's components as template tags, so that no template copies their
markup. Load them with ``{% load govuk %}``. Each draws the markup GOV.UK Frontend 6.6 expects
(``node_modules/govuk-frontend/dist/govuk/components/*/template.njk``), with the parameters of
GOV.UK's own macros where they have one, in snake case (``title_id`` for ``titleId``). None of
them queries the database: give them what the view fetched. Each draws nothing when it has
nothing to show (an empty error list, no typed text), so a page needs no ``{% if %}`` around it.

``{% govuk_tag text classes %}``
    A tag: ``<strong class="govuk-tag {classes}">text</strong>``. ``classes`` (optional) is the
    colour's modifier and any other class: ``"govuk-tag--red govuk-!-margin-right-1"``. In
    GOV.UK Frontend 6 the plain tag is blue (there is no ``govuk-tag--blue``).

``{% govuk_breadcrumbs text href text href ... [current] %}``
    The breadcrumbs, as (text, address) pairs from the service's start; an odd last argument is
    the current page, drawn without a link (``aria-current="page"``). Build an address first with
    ``{% url 'home' as home_url %}``.

``{% govuk_error_summary errors [anchor=] [prefix=] %}``
    "There is a problem" and the list of errors, each linking to its input. ``errors`` is:
    - a form: its ``error_links()`` where it has one (a form with radios or checkboxes needs
      it: a group cannot take the focus, so it names its first input), otherwise each field's
      errors linking to the field's input, and the form's own errors to its first field;
    - a list of (input id, message) pairs, such as ``form.error_links()`` returns (a blank id
      is a message without a link);
    - one message, linking to ``anchor`` (an element's id) if given.
    ``prefix`` goes before each message: ``prefix=row.period.label`` gives "Q3 2017-18: Enter
    the reason".

``{% govuk_notification_banner [type=] [title=] [title_id=] [role=] [classes=] [heading=] %}
...{% endgovuk_notification_banner %}``
    A notification banner. ``type="success"`` is the green one (titled "Success", announced at
    once: role "alert"); any other type is the blue "Important" one (a "region" landmark).
    ``title`` and ``role`` change those. ``title_id`` (default
    ``govuk-notification-banner-title``) must be unique in the page when it has several.
    ``heading`` is the banner's main line (``govuk-notification-banner__heading``), in bold; what
    is between the tags follows it, for more than one line (paragraphs, a list, an include).

``{% govuk_typed_text typed [hint=] %}``
    "What you typed": the text someone typed and that was not saved, handed back to copy (the
    refusal page, the 500 and 503 pages). ``typed`` is a list of (label, text) pairs, one box
    under its label each, or one text (a box without a label). ``hint`` says why it is there.

``{% govuk_table_head heading heading ... %}``
    A table's ``<thead>``: one column heading per argument. A heading may end in ``::`` and
    modifiers, separated by spaces: ``numeric`` (a column of figures, aligned right),
    ``one-third`` and the other GOV.UK widths (``one-quarter``, ``one-half``, ``two-thirds``,
    ``three-quarters``), ``hidden`` (read out, not shown: a column of buttons); anything else is
    a class of ours: ``"Target::numeric"``, ``"Update::hidden"``, ``"Field::app-history__field"``.

``{% govuk_refusal title reason back_url back_text [caption=] [choices=] [typed=] [typed_hint=] %}``
    The body of a page that says why nothing was done (a form refused as a whole: a closed
    quarter, a plan no longer out for consultation): the heading, the reason, links to what can
    be done instead (``choices``: (address, text) pairs), what was typed (as
    ``govuk_typed_text``), and "Nothing has been changed." with the link back. The page puts it
    in its own layout (grid, back link, title).
"""

from django import forms, template
from django.utils.html import format_html

register = template.Library()

TYPED_HINT = "It has not been saved. Copy it if you need it."


@register.simple_tag
def govuk_tag(text, classes=""):
    # Written in Python, not as an inclusion tag: lists draw one per row, for thousands of rows
    # on the quarterly page, and an inclusion tag costs three times as much (about 17 µs a tag
    # against 6 µs, 1,000 tags measured).
    if classes:
        return format_html('<strong class="govuk-tag {}">{}</strong>', classes, text)
    return format_html('<strong class="govuk-tag">{}</strong>', text)


WIDTHS = {"one-quarter", "one-third", "one-half", "two-thirds", "three-quarters"}


@register.inclusion_tag("govuk/components/table_head.html")
def govuk_table_head(*headings):
    return {"headings": [_table_heading(heading) for heading in headings]}


def _table_heading(heading) -> dict:
    text, _, modifiers = str(heading).partition("::")
    classes, hidden = [], False
    for modifier in modifiers.split():
        if modifier == "numeric":
            classes.append("govuk-table__header--numeric")
        elif modifier in WIDTHS:
            classes.append(f"govuk-!-width-{modifier}")
        elif modifier == "hidden":
            hidden = True
        else:
            classes.append(modifier)
    return {"text": text, "classes": " ".join(classes), "hidden": hidden}


@register.inclusion_tag("govuk/components/breadcrumbs.html")
def govuk_breadcrumbs(*crumbs):
    pairs = list(zip(crumbs[0::2], crumbs[1::2], strict=False))
    current = crumbs[-1] if len(crumbs) % 2 else None
    return {"links": pairs, "current": current}


@register.inclusion_tag("govuk/components/error_summary.html")
def govuk_error_summary(errors, anchor="", prefix=""):
    if isinstance(errors, forms.BaseForm):
        links = _error_links(errors)
    elif isinstance(errors, str):
        links = [(anchor, errors)] if errors else []
    else:
        links = list(errors or [])
    if prefix:
        links = [(target, f"{prefix}: {message}") for target, message in links]
    return {"links": links}


def _error_links(form):
    """[(input id, message)] of a form's errors, as its own error_links() gives them if it has
    one."""
    if not form.errors:
        return []
    if hasattr(form, "error_links"):
        return form.error_links()
    fields = [bound for bound in form if not bound.is_hidden]
    first = fields[0].auto_id if fields else ""
    links = [(first, error) for error in form.non_field_errors()]
    for bound in fields:
        links.extend((bound.auto_id, error) for error in bound.errors)
    return links


class NotificationBannerNode(template.Node):
    def __init__(self, options, nodelist):
        self.options = options
        self.nodelist = nodelist

    def render(self, context):
        options = {name: value.resolve(context) for name, value in self.options.items()}
        success = options.get("type") == "success"
        banner = {
            "success": success,
            "title": options.get("title") or ("Success" if success else "Important"),
            "title_id": options.get("title_id") or "govuk-notification-banner-title",
            "role": options.get("role") or ("alert" if success else "region"),
            "classes": options.get("classes", ""),
            "heading": options.get("heading", ""),
            "content": self.nodelist.render(context),
        }
        banner_template = context.template.engine.get_template(
            "govuk/components/notification_banner.html"
        )
        return banner_template.render(context.new(banner))


BANNER_OPTIONS = {"type", "title", "title_id", "role", "classes", "heading"}


@register.tag
def govuk_notification_banner(parser, token):
    bits = token.split_contents()
    options = template.base.token_kwargs(bits[1:], parser)
    if len(options) != len(bits) - 1 or not set(options) <= BANNER_OPTIONS:
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes only {', '.join(sorted(BANNER_OPTIONS))} as name=value"
        )
    nodelist = parser.parse(("endgovuk_notification_banner",))
    parser.delete_first_token()
    return NotificationBannerNode(options, nodelist)


@register.inclusion_tag("govuk/components/typed_text.html")
def govuk_typed_text(typed, hint=TYPED_HINT):
    return {"typed": _typed(typed), "hint": hint}


def _typed(typed):
    """[(label, text)] from a list of pairs or one text."""
    if isinstance(typed, str):
        return [("", typed)] if typed else []
    return list(typed or [])


@register.inclusion_tag("govuk/components/refusal.html")
def govuk_refusal(
    title, reason, back_url, back_text, caption="", choices=(), typed=(), typed_hint=TYPED_HINT
):
    return {
        "title": title,
        "reason": reason,
        "back_url": back_url,
        "back_text": back_text,
        "caption": caption,
        "choices": choices,
        "typed": _typed(typed),
        "typed_hint": typed_hint,
    }
