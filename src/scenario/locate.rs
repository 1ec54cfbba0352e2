//! TEMPORARY: replaced by the key-path locator.
