//! End-to-end tests of All-ssam; the tests themselves live in `tests/tests/`.
