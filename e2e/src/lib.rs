//! The browser suite lives in `tests/`; this crate's library will hold the harness that
//! starts kite-server and chromedriver for it.
