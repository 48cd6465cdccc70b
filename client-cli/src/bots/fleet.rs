//! Many bots seated at once (`bots N`, `allssam bots`): who sat down, and
//! in a sentence what became of the others.

use allssam_protocol::{ErrorCode, PlayerId};

use super::{BotEnd, BotPlan, join_bot, run_bot};
use crate::client::ClientError;

/// The bots [`seat_bots`] seated, and why the next one could not join.
pub struct Fleet {
    /// The seats they took, in order, and their runs.
    pub seated: Vec<(PlayerId, tokio::task::JoinHandle<BotEnd>)>,
    /// Why the next bot could not join, if one could not (the others were not tried).
    pub refused: Option<ClientError>,
}

impl Fleet {
    /// What happened to `asked` bots, in a sentence.
    pub fn report(&self, asked: usize) -> String {
        fleet_report(asked, self.seated.len(), self.refused.as_ref())
    }
}

/// Seats up to `count` bots in `room`, playing the plan, until one cannot join.
pub async fn seat_bots(url: &str, room: &str, count: usize, plan: &BotPlan) -> Fleet {
    let mut fleet = Fleet {
        seated: Vec::new(),
        refused: None,
    };
    for n in 1..=count {
        let joined = join_bot(url, room, "Bot", n).await.and_then(|client| {
            let seat = client.session().player_id.ok_or_else(|| {
                ClientError::Protocol("a seat was taken without a player id".into())
            })?;
            Ok((seat, client))
        });
        let (seat, client) = match joined {
            Ok(joined) => joined,
            Err(e) => {
                fleet.refused = Some(e);
                break;
            }
        };
        let seed = plan.seed.wrapping_add(n as u64);
        let task = tokio::spawn(run_bot(client, plan.clone(), seed));
        fleet.seated.push((seat, task));
    }
    fleet
}

/// Fills `count` seats of `room` with bots playing `strategy`; returns their
/// tasks, or why one could not join (those seated before it play on).
pub async fn spawn_bots(
    url: &str,
    room: &str,
    count: usize,
    plan: &BotPlan,
) -> Result<Vec<tokio::task::JoinHandle<BotEnd>>, ClientError> {
    let fleet = seat_bots(url, room, count, plan).await;
    match fleet.refused {
        Some(e) => Err(e),
        None => Ok(fleet.seated.into_iter().map(|(_, task)| task).collect()),
    }
}

/// "11 bots seated; the room is full (no seat for 9 more)."
fn fleet_report(asked: usize, seated: usize, refused: Option<&ClientError>) -> String {
    let bots = |n: usize| match n {
        1 => "1 bot".to_string(),
        n => format!("{n} bots"),
    };
    let full = refused.is_some_and(|e| e.code() == Some(ErrorCode::RoomFull));
    match (seated, refused) {
        (_, None) => format!("{} seated.", bots(seated)),
        (0, Some(_)) if full => "No bot seated: the room is full.".into(),
        (0, Some(e)) => format!("No bot seated: {e}"),
        (_, Some(_)) if full => format!(
            "{} seated; the room is full (no seat for {} more).",
            bots(seated),
            asked.saturating_sub(seated)
        ),
        (_, Some(e)) => format!("{} seated; the next could not join: {e}", bots(seated)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(code: ErrorCode, message: &str) -> ClientError {
        ClientError::Refused(allssam_protocol::ErrorMessage {
            req: None,
            code,
            message: message.into(),
            detail: None,
        })
    }

    #[test]
    fn a_full_room_seats_what_it_can_and_says_so() {
        let full = refused(
            ErrorCode::RoomFull,
            "The room is full: all 12 seats are taken.",
        );
        assert_eq!(
            fleet_report(20, 11, Some(&full)),
            "11 bots seated; the room is full (no seat for 9 more)."
        );
        assert_eq!(
            fleet_report(2, 0, Some(&full)),
            "No bot seated: the room is full."
        );
        assert_eq!(fleet_report(3, 3, None), "3 bots seated.");
        assert_eq!(fleet_report(1, 1, None), "1 bot seated.");
        let late = refused(ErrorCode::WrongPhase, "The game has started.");
        let told = fleet_report(4, 1, Some(&late));
        assert!(
            told.starts_with("1 bot seated; the next could not join: "),
            "{told}"
        );
    }
}
