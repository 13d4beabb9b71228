// The SPA in frontend/dist is embedded in the binary. A new SPA build (new hashed file
// names) must rebuild the server, which the embedding alone does not tell cargo. Before
// the first SPA build, watching the missing folder would rebuild on every run: watch its
// parent until it appears.
fn main() {
    let dist = std::path::Path::new("../../frontend/dist");
    if dist.is_dir() {
        println!("cargo:rerun-if-changed=../../frontend/dist");
    } else {
        println!("cargo:rerun-if-changed=../../frontend");
    }
}
