//! Large block letters for the room code and the projector's headlines.

/// Glyphs 5 wide and 5 tall: the room-code alphabet (PROTOCOL.md), plus O, I, 0, 1 for headlines.
const GLYPHS: &[(char, [&str; 5])] = &[
    ('A', [" ### ", "#   #", "#####", "#   #", "#   #"]),
    ('B', ["#### ", "#   #", "#### ", "#   #", "#### "]),
    ('C', [" ####", "#    ", "#    ", "#    ", " ####"]),
    ('D', ["#### ", "#   #", "#   #", "#   #", "#### "]),
    ('E', ["#####", "#    ", "#### ", "#    ", "#####"]),
    ('F', ["#####", "#    ", "#### ", "#    ", "#    "]),
    ('G', [" ####", "#    ", "#  ##", "#   #", " ####"]),
    ('H', ["#   #", "#   #", "#####", "#   #", "#   #"]),
    ('J', ["  ###", "    #", "    #", "#   #", " ### "]),
    ('K', ["#   #", "#  # ", "###  ", "#  # ", "#   #"]),
    ('L', ["#    ", "#    ", "#    ", "#    ", "#####"]),
    ('M', ["#   #", "## ##", "# # #", "#   #", "#   #"]),
    ('N', ["#   #", "##  #", "# # #", "#  ##", "#   #"]),
    ('P', ["#### ", "#   #", "#### ", "#    ", "#    "]),
    ('Q', [" ### ", "#   #", "# # #", "#  # ", " ## #"]),
    ('R', ["#### ", "#   #", "#### ", "#  # ", "#   #"]),
    ('S', [" ####", "#    ", " ### ", "    #", "#### "]),
    ('T', ["#####", "  #  ", "  #  ", "  #  ", "  #  "]),
    ('U', ["#   #", "#   #", "#   #", "#   #", " ### "]),
    ('V', ["#   #", "#   #", "#   #", " # # ", "  #  "]),
    ('W', ["#   #", "#   #", "# # #", "## ##", "#   #"]),
    ('X', ["#   #", " # # ", "  #  ", " # # ", "#   #"]),
    ('Y', ["#   #", " # # ", "  #  ", "  #  ", "  #  "]),
    ('Z', ["#####", "   # ", "  #  ", " #   ", "#####"]),
    ('2', [" ### ", "#   #", "  ## ", " #   ", "#####"]),
    ('3', ["#### ", "    #", " ### ", "    #", "#### "]),
    ('4', ["#   #", "#   #", "#####", "    #", "    #"]),
    ('5', ["#####", "#    ", "#### ", "    #", "#### "]),
    ('6', [" ### ", "#    ", "#### ", "#   #", " ### "]),
    ('7', ["#####", "    #", "   # ", "  #  ", "  #  "]),
    ('8', [" ### ", "#   #", " ### ", "#   #", " ### "]),
    ('9', [" ### ", "#   #", " ####", "    #", " ### "]),
    ('O', [" ### ", "#   #", "#   #", "#   #", " ### "]),
    ('I', ["#####", "  #  ", "  #  ", "  #  ", "#####"]),
    ('0', [" ### ", "#  ##", "# # #", "##  #", " ### "]),
    ('1', ["  #  ", " ##  ", "  #  ", "  #  ", " ### "]),
    ('-', ["     ", "     ", " ### ", "     ", "     "]),
    (' ', ["     ", "     ", "     ", "     ", "     "]),
];

/// How many columns [`big`] takes for `text`.
pub fn width(text: &str) -> usize {
    let glyphs = text
        .to_uppercase()
        .chars()
        .filter(|c| GLYPHS.iter().any(|(g, _)| g == c))
        .count();
    (glyphs * 7).saturating_sub(2)
}

/// `text` in block letters, five lines; characters without a glyph are left out.
pub fn big(text: &str) -> String {
    let glyphs: Vec<&[&str; 5]> = text
        .to_uppercase()
        .chars()
        .filter_map(|c| GLYPHS.iter().find(|(g, _)| *g == c).map(|(_, rows)| rows))
        .collect();
    (0..5)
        .map(|row| {
            glyphs
                .iter()
                .map(|g| g[row].replace('#', "█"))
                .collect::<Vec<_>>()
                .join("  ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_width_is_that_of_the_widest_line() {
        for text in ["1 accusation", "K7QX2M", "the end", "", "a"] {
            let widest = super::big(text)
                .lines()
                .map(|l| l.chars().count())
                .max()
                .unwrap_or(0);
            assert_eq!(super::width(text), widest, "{text}");
        }
    }

    #[test]
    fn every_room_code_character_has_a_glyph() {
        for c in allssam_protocol::ROOM_CODE_ALPHABET.chars() {
            assert_eq!(super::big(&c.to_string()).lines().count(), 5, "{c}");
            assert!(super::big(&c.to_string()).contains('█'), "{c}");
        }
    }
}
