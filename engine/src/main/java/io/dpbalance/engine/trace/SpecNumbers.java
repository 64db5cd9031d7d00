package io.dpbalance.engine.trace;

import java.math.BigDecimal;

/** Numbers written back into a synthetic spec as the user would type them: 1000, not 1000.0 or 1.0E3. */
final class SpecNumbers {

    private SpecNumbers() {}

    static String format(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
