"""Text as people write it, in any script: where words split (Unicode categories, ICU for
scripts written without spaces), where spaces go between words, and how text is normalized
before it is compared. No pynini and no numpy: everything else builds on this."""
