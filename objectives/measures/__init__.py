"""Measures of the plan's key indicators: the models (`models`), the SPC engine (`spc`, standard
library only, ADR 11), charts (`charts`), the `period,value` reader (`series`), and the measure
pages (`views`, `forms`). Part of the objectives app: a measure is one key indicator's
numbers (ADR 16)."""
