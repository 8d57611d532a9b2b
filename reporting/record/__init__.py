"""The verifiable board record (issue 31, ADR 21): each closed quarter's report as a link of a
hash chain (`chain`), its archival PDF, signed and carrying its own data (`archive`, `signing`),
verification that needs nothing but the PDF and the trust's certificate (`verify`), and the
export of the whole record for a place of deposit (`export`)."""
