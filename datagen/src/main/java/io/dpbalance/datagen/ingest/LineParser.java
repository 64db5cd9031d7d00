package io.dpbalance.datagen.ingest;

/** One log format's reader of single lines. Pure: the same line gives the same result; it never throws. */
public interface LineParser {

    LineResult parse(String line);
}
