"""An older Excel file (.xls, Excel 97-2003), read with xlrd as an .xlsx is read: the title row,
the merged row naming a strand, the unheaded references and a date cell formatted "mmm-yy".

The file, tests/imports/council-layout.xls, was written once with xlwt (which the project does
not depend on: nothing in it writes .xls); what it holds is spelt out in the tests below."""

from pathlib import Path

from imports.applying import preview_file
from imports.reading import read_file

XLS = Path(__file__).with_name("council-layout.xls")


def test_an_older_excel_file_is_read_like_a_workbook(db):
    sheet = read_file("council-layout.xls", XLS.read_bytes())

    assert sheet.sheet_name == "Action plan 2017-18"
    assert sheet.header_row == 3
    assert [(column.label, column.field) for column in sheet.columns] == [
        ("Column A (no heading)", "reference"),
        ("Activity", "action"),
        ("Lead", "lead_agency"),
        ("Target Date", "timeframe"),
        ("RAG", "rag"),
        ("Update", "progress"),
    ]
    assert sheet.band_levels == 1
    first, second = sheet.rows
    assert first.bands == ("Knife crime",)
    # The date cell keeps the text Excel shows, as in an .xlsx.
    assert first.values["timeframe"] == "Mar-18"
    assert first.values["rag"] == "Green."
    assert second.values["lead_agency"] == "Lewisham Council / Met Police"


def test_an_older_excel_files_actions_are_previewed(plan, agencies):
    preview = preview_file(
        plan,
        "council-layout.xls",
        XLS.read_bytes(),
        add_structure=True,
        options={"priority_from": "name", "priority_name": "Violence", "strand_from": "band1"},
    )

    assert [str(note) for note in preview.problems] == []
    assert [(a.reference, a.text, str(a.strand)) for a in preview.created] == [
        ("KC1", "Weapons sweeps in parks", "Knife crime"),
        ("KC2", "Knife crime awareness in schools", "Knife crime"),
    ]
    assert preview.created[0].values["timeframe"] == "Mar-18"
    assert preview.created[1].values["lead_agency"] == agencies["council"]
    assert preview.created[1].values["partners"] == [agencies["police"]]
