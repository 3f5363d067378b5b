"""What a quarterly review is given out as: its charts (SVG, for the pages), the meeting pack (PDF)
and the action table as spreadsheets (xlsx, csv). Each is built from a ``QuarterlyReview`` alone,
so a closed quarter's outputs are its snapshot's."""
