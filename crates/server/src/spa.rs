//! Serves the built SPA at `/`. Paths that are not files get index.html, so a reload on a
//! client-side route (`/contacts/42`) lands in the app.

use actix_files::{Files, NamedFile};
use actix_web::dev::{ServiceRequest, ServiceResponse, fn_service};
use actix_web::{HttpResponse, http::header};
use std::path::PathBuf;

const NOT_BUILT: &str = "<!doctype html><meta charset=utf-8><title>Kite</title>\
<h1>Kite is running</h1><p>The web app has not been built. Run <code>just build</code> \
(or <code>just run</code>), or point <code>KITE_STATIC_DIR</code> at a built SPA. \
The API is at <a href=\"/api-docs/\">/api-docs/</a>.</p>";

pub fn service(static_dir: PathBuf) -> Files {
    let index = static_dir.join("index.html");
    Files::new("/", static_dir)
        .index_file("index.html")
        .default_handler(fn_service(move |req: ServiceRequest| {
            let index = index.clone();
            async move {
                let (req, _) = req.into_parts();
                let response = match NamedFile::open(&index) {
                    // The shell must never be cached, so a new deploy is picked up at once.
                    Ok(file) => {
                        let mut res = file.into_response(&req);
                        res.headers_mut()
                            .insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-cache"));
                        res
                    }
                    Err(_) => HttpResponse::Ok()
                        .content_type("text/html; charset=utf-8")
                        .body(NOT_BUILT),
                };
                Ok(ServiceResponse::new(req, response))
            }
        }))
}
