package io.dpbalance.localservices.process;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * A subcommand that changes what runs in a service's folder ({@code start}, {@code stop}): its flags are checked
 * first, then it acts under the folder's lock, so two of them never act on one folder at once.
 */
public abstract class LockedCommand<H extends ServiceHome> implements Callable<Integer> {

    @CommandLine.Spec
    protected CommandLine.Model.CommandSpec spec;

    /** The folder the command acts on (its --dir). */
    protected abstract H home();

    /** Rejects flag values before anything is locked or written; nothing to check by default. */
    protected void checkFlags() {}

    /** The command's work, under the lock; returns the exit code. */
    protected abstract int locked(H home, PrintWriter out, PrintWriter err) throws Exception;

    @Override
    @SuppressWarnings("try") // the lock is held for the whole body, never referenced in it
    public final Integer call() throws Exception {
        checkFlags();
        H h = home();
        try (var lock = h.lock()) {
            return locked(h, spec.commandLine().getOut(), spec.commandLine().getErr());
        }
    }
}
