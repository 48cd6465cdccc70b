//! Saved tokens: one small file per room and name under the local state
//! directory, so that `play` and `host --resume` can take a seat back.

use std::path::{Path, PathBuf};

/// The directory tokens live in: `$XDG_STATE_HOME/allssam`, else
/// `~/.local/state/allssam`, else `./.allssam`.
pub fn dir() -> PathBuf {
    if let Some(state) = std::env::var_os("XDG_STATE_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(state).join("allssam");
    }
    match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
        Some(home) => PathBuf::from(home).join(".local/state/allssam"),
        None => PathBuf::from(".allssam"),
    }
}

/// The file for a seat: `ROOM-name.token` (the name lowercased, unsafe characters replaced).
pub fn path(room: &str, name: &str) -> PathBuf {
    let safe: String = name
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir().join(format!("{}-{safe}.token", room.to_uppercase()))
}

/// The facilitator's file of the last room hosted.
pub fn host_path() -> PathBuf {
    dir().join("host.token")
}

/// Where the facilitator's last room was made, beside its token: the room
/// code and the server's address, one a line.
pub fn host_room_path() -> PathBuf {
    dir().join("host.room")
}

/// Notes where the facilitator's room was made (for `host --resume` to say
/// so when it is asked of another server).
pub fn save_host_room(room: &str, url: &str) -> std::io::Result<()> {
    save(&host_room_path(), &format!("{room}\n{url}\n"))
}

/// The room code and the server's address of the facilitator's last room,
/// if they were noted.
pub fn load_host_room() -> Option<(String, String)> {
    let text = load(&host_room_path())?;
    let mut lines = text.lines().map(str::trim);
    let room = lines.next().filter(|r| !r.is_empty())?;
    let url = lines.next().filter(|u| !u.is_empty())?;
    Some((room.to_string(), url.to_string()))
}

/// Saves a token, readable by the owner only on Unix from its first byte
/// (a file written first and narrowed after would be readable by others
/// in between), in a directory only the owner can list.
pub fn save(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut dirs = std::fs::DirBuilder::new();
    let mut file = std::fs::OpenOptions::new();
    file.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
        dirs.mode(0o700);
        file.mode(0o600);
        // An older file keeps its mode through `open`: narrow it first.
        if path.exists() {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    if let Some(parent) = path.parent() {
        dirs.recursive(true).create(parent)?;
    }
    file.open(path)?.write_all(contents.as_bytes())
}

/// Reads a saved token, if there is one.
pub fn load(path: &Path) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    #[test]
    fn seat_files_are_per_room_and_name_and_safe() {
        let p = super::path("abcdef", "Kim Jong/..");
        let file = p.file_name().unwrap().to_str().unwrap().to_string();
        assert_eq!(file, "ABCDEF-kim_jong___.token");
        assert_ne!(super::path("ABCDEF", "Kim"), super::path("ABCDEF", "Lee"));
    }

    #[cfg(unix)]
    #[test]
    fn tokens_are_the_owners_alone_even_over_an_older_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state").join("ABCDEF-kim.token");
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        super::save(&path, "secret").unwrap();
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        super::save(&path, "newer").unwrap();
        assert_eq!(mode(&path), 0o600);
        assert_eq!(super::load(&path).as_deref(), Some("newer"));
    }
}
