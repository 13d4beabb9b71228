//! Serves the SPA at `/`: the build embedded in the binary (so `kite-server` alone serves
//! everything), or a directory when `KITE_STATIC_DIR` names one (development). Paths that
//! are not files get index.html, so a reload on a client-side route (`/contacts/42`)
//! lands in the app.

use crate::security_headers::spa_policy;
use actix_files::Files;
use actix_web::dev::{ServiceRequest, ServiceResponse, fn_service};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

const NOT_BUILT: &str = "<!doctype html><meta charset=utf-8><title>Kite</title>\
<h1>Kite is running</h1><p>This binary was built without the web app. Run <code>just build</code> \
(or <code>just run</code>), or point <code>KITE_STATIC_DIR</code> at a built SPA. \
The API is at <a href=\"/api-docs/\">/api-docs/</a>.</p>";

/// `frontend/dist` as it was when this binary was compiled.
#[derive(rust_embed::Embed)]
#[folder = "../../frontend/dist"]
#[allow_missing = true]
struct Built;

/// Whether this binary carries a built SPA.
pub fn embedded() -> bool {
    Built::get("index.html").is_some()
}

/// The SPA's routes, registered after every other route.
pub fn configure(static_dir: Option<PathBuf>) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| match static_dir {
        Some(dir) => directory(cfg, dir),
        None => {
            cfg.service(
                web::resource("/{path:.*}")
                    .route(web::get().to(embedded_file))
                    .route(web::head().to(embedded_file)),
            );
        }
    }
}

async fn embedded_file(req: HttpRequest) -> HttpResponse {
    let path = req.path().trim_start_matches('/');
    let asset = (!path.is_empty()).then(|| Built::get(path)).flatten();
    let Some(file) = asset else {
        return embedded_index();
    };
    let etag = format!("\"{}\"", hex::encode(&file.metadata.sha256_hash()[..16]));
    if fresh(&req, &etag) {
        return HttpResponse::NotModified().insert_header((header::ETAG, etag)).finish();
    }
    // Trunk puts a content hash in the names of what it builds: those never change.
    let cache = if hashed_name(path) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    HttpResponse::Ok()
        .content_type(file.metadata.mimetype())
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache))
        .body(file.data.into_owned())
}

fn fresh(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == etag))
}

/// `kite-frontend-0123456789abcdef_bg.wasm`, `style-0123456789abcdef.css`.
fn hashed_name(path: &str) -> bool {
    let stem = path.rsplit('/').next().unwrap_or(path);
    let stem = stem.split('.').next().unwrap_or(stem).trim_end_matches("_bg");
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn embedded_index() -> HttpResponse {
    static INDEX: OnceLock<Option<(Arc<[u8]>, String)>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        Built::get("index.html").map(|file| {
            let policy = spa_policy(&String::from_utf8_lossy(&file.data));
            (Arc::from(file.data.into_owned()), policy)
        })
    });
    match index {
        Some((html, policy)) => shell(html.to_vec(), policy),
        None => not_built(),
    }
}

fn directory(cfg: &mut web::ServiceConfig, dir: PathBuf) {
    let index = dir.join("index.html");
    let root_index = index.clone();
    // Files answers a directory with an error, not its default handler: `/` is routed here.
    cfg.route(
        "/",
        web::get().to(move || {
            let index = root_index.clone();
            async move { directory_index(&index) }
        }),
    )
    .service(
        Files::new("/", dir).default_handler(fn_service(move |req: ServiceRequest| {
            let index = index.clone();
            async move {
                let (req, _) = req.into_parts();
                let response = directory_index(&index);
                Ok(ServiceResponse::new(req, response))
            }
        })),
    );
}

/// Read on every request: a development server picks up a rebuilt SPA at once.
fn directory_index(index: &std::path::Path) -> HttpResponse {
    match std::fs::read(index) {
        Ok(html) => {
            let policy = spa_policy(&String::from_utf8_lossy(&html));
            shell(html, &policy)
        }
        Err(_) => not_built(),
    }
}

fn shell(html: Vec<u8>, policy: &str) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response
        .content_type("text/html; charset=utf-8")
        // The shell must never be cached, so a new deploy is picked up at once.
        .insert_header((header::CACHE_CONTROL, "no-cache"));
    if let Ok(policy) = HeaderValue::from_str(policy) {
        response.insert_header((header::CONTENT_SECURITY_POLICY, policy));
    }
    response.body(html)
}

fn not_built() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(NOT_BUILT)
}

#[cfg(test)]
mod tests {
    use super::hashed_name;

    #[test]
    fn only_trunks_hashed_names_are_immutable() {
        assert!(hashed_name("kite-frontend-0123456789abcdef_bg.wasm"));
        assert!(hashed_name("kite-frontend-0123456789abcdef.js"));
        assert!(hashed_name("style-89abcdef01234567.css"));
        assert!(!hashed_name("echarts.min.js"));
        assert!(!hashed_name("index.html"));
        assert!(!hashed_name("kite-frontend.js"));
    }
}
