"""Statistics of an edition and its summary report (báo cáo tổng kết): the counts
(:mod:`.statistics`, by area, field, school level, gender and ethnicity, with the comparison
with the previous edition), their tables and charts (:mod:`.statistics_output`,
:mod:`.svg_charts`), the report PDF built by a job (:mod:`.report`) and the organizers' page
(:mod:`.views`)."""
