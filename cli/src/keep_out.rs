//! `daybook keep-out`: the words, phrases and places that must never leave the diary
//! (see `daybook_core::disclosure`). The list itself is sealed in the settings.

use std::io::Write;

use daybook_core::disclosure::{self, Place};
use daybook_core::{Error, Result};
use serde_json::json;

use crate::session::{outln, print_json, unlock};
use crate::{Cli, KeepOutCommand};

pub fn run(cli: &Cli, cmd: &KeepOutCommand) -> Result<()> {
    let mut vault = unlock(cli)?;
    let mut settings = vault.settings()?;
    match cmd {
        KeepOutCommand::Add { phrase } => {
            let phrase = disclosure::check_phrase(&crate::input::read_dash("PHRASE", phrase)?)?;
            if phrase.chars().count() < 5 {
                eprintln!(
                    "Note: '{}' is short; every whole word '{}' in every output will be kept out.",
                    daybook_core::escape::terminal(&phrase),
                    daybook_core::escape::terminal(&phrase)
                );
            }
            settings.keep_out.push(phrase);
            vault.save_settings(&settings)?;
            outln!(
                "Kept out of every report and file from now on ({} phrase(s) in all).",
                vault.settings()?.keep_out.len()
            );
        }
        KeepOutCommand::Remove { phrase } => {
            let phrase = crate::input::read_dash("PHRASE", phrase)?;
            let wanted = phrase
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase();
            let before = settings.keep_out.len();
            settings.keep_out.retain(|p| p.to_lowercase() != wanted);
            if settings.keep_out.len() == before {
                return Err(Error::InvalidField {
                    field: "keep_out".into(),
                    message: "that phrase is not on the keep-out list".into(),
                });
            }
            vault.save_settings(&settings)?;
            outln!("Removed from the keep-out list.");
        }
        KeepOutCommand::List { json } => {
            if *json {
                print_json(&json!({
                    "phrases": settings.keep_out,
                    "places": settings.keep_out_places,
                }))?;
            } else {
                if settings.keep_out.is_empty() && settings.keep_out_places.is_empty() {
                    outln!("Nothing is on the keep-out list.");
                }
                for p in &settings.keep_out {
                    outln!("{p}");
                }
                for p in &settings.keep_out_places {
                    outln!("place {:.6},{:.6} within {} m", p.lat, p.lon, p.radius_m);
                }
            }
        }
        KeepOutCommand::Place {
            position,
            radius,
            remove,
        } => {
            let parts: Vec<f64> = position
                .split(',')
                .map(|p| p.trim().parse::<f64>())
                .collect::<std::result::Result<_, _>>()
                .map_err(|_| Error::InvalidField {
                    field: "keep_out_place".into(),
                    message: format!("'{position}' should be two numbers, LAT,LON"),
                })?;
            let [lat, lon] = parts[..] else {
                return Err(Error::InvalidField {
                    field: "keep_out_place".into(),
                    message: format!("'{position}' should be two numbers, LAT,LON"),
                });
            };
            if *remove {
                let before = settings.keep_out_places.len();
                settings
                    .keep_out_places
                    .retain(|p| (p.lat - lat).abs() > 1e-7 || (p.lon - lon).abs() > 1e-7);
                if before == settings.keep_out_places.len() {
                    return Err(Error::InvalidField {
                        field: "keep_out_place".into(),
                        message: "that place is not on the keep-out list".into(),
                    });
                }
                vault.save_settings(&settings)?;
                outln!("Removed the place from the keep-out list.");
            } else {
                let place = Place {
                    lat,
                    lon,
                    radius_m: *radius,
                };
                disclosure::check_place(&place)?;
                settings.keep_out_places.push(place);
                vault.save_settings(&settings)?;
                outln!(
                    "Photo positions within {radius} m of that place will be left out of every report and file."
                );
            }
        }
    }
    Ok(())
}
