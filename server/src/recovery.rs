//! Start-up: every room of the store that had not ended is rebuilt and its
//! task started, before the server accepts a connection.

use std::sync::Arc;

use allssam_protocol::RETRY_MEMORY;

use crate::registry::Registry;
use crate::room;

/// Restores every unfinished room; returns how many came back. A room whose
/// log the engine refuses is left in the store untouched and reported
/// loudly: guessing would be worse than a missing room.
pub async fn restore_rooms(registry: &Arc<Registry>) -> anyhow::Result<usize> {
    let recovery = registry
        .store
        .recovery(RETRY_MEMORY)
        .await
        .map_err(|e| anyhow::anyhow!("cannot read the rooms to recover: {e}"))?;
    let wall_now = registry.clock.now_ms();
    let mut restored = 0;
    for recovered in recovery.rooms {
        let code = recovered.info.code.clone();
        let tokens = registry
            .store
            .tokens(&code)
            .await
            .map_err(|e| anyhow::anyhow!("cannot read the tokens of room {code}: {e}"))?;
        match room::restore(recovered, tokens, recovery.last_heartbeat_ms, wall_now) {
            Ok(room) => {
                registry.restore_room(room);
                restored += 1;
            }
            Err(e) => {
                tracing::error!(room = %code, error = %e, "room NOT restored: its log does not replay");
            }
        }
    }
    if restored > 0 {
        tracing::info!(rooms = restored, "rooms restored from the store");
    }
    Ok(restored)
}
