package io.meshinfer.connect.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.meshinfer.connect.tls.CaRoots;
import io.meshinfer.connect.tls.LeafCert;
import io.meshinfer.connect.tls.Pem;

/**
 * The embedded mode's state on disk: the CA (its root certificate and its key), the intentions file, and where
 * certificates for local callers are written. The directory is 0700 and every key file 0600, created with those
 * permissions rather than narrowed afterwards. The server and {@code meshinfer cert issue} share the directory;
 * a file lock makes sure only one of them creates the CA. Thread-safe.
 */
public final class StateDirectory {
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> PUBLIC_FILE = PosixFilePermissions.fromString("rw-r--r--");

    private final Path dir;

    private StateDirectory(Path dir) {
        this.dir = dir;
    }

    /**
     * Opens the directory, creating it (0700) when missing.
     *
     * @throws IllegalStateException when it, or the CA key in it, is open to other users: anyone who can read the
     *                               key can mint any identity
     */
    public static StateDirectory open(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            }
            requireOwnerOnly(dir);
            return new StateDirectory(dir.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the state directory " + dir, e);
        }
    }

    /** The CA kept in this directory, created on first use with a fresh trust domain. */
    public EmbeddedCa ca() {
        Path certFile = dir.resolve("ca.pem");
        Path keyFile = dir.resolve("ca-key.pem");
        try (FileChannel lockFile = FileChannel.open(dir.resolve(".ca.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock ignored = lockFile.lock()) {
            if (Files.exists(certFile) && Files.exists(keyFile)) {
                requireOwnerOnly(keyFile);
                return load(certFile, keyFile);
            }
            EmbeddedCa ca = EmbeddedCa.generate(UUID.randomUUID() + ".consul");
            writePrivate(keyFile, Pem.encode(ca.rootKey()));
            write(certFile, Pem.encode(ca.root()), PUBLIC_FILE);
            return ca;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the CA in " + dir, e);
        }
    }

    /**
     * Writes {@code cert.pem} (leaf), {@code key.pem} (0600) and {@code ca.pem} (the roots) into {@code out}, the
     * three files a local caller such as curl needs.
     */
    public static void writeCallerFiles(Path out, LeafCert leaf, List<X509Certificate> roots) {
        try {
            Files.createDirectories(out);
            writePrivate(out.resolve("key.pem"), Pem.encode(leaf.key()));
            write(out.resolve("cert.pem"), Pem.encode(leaf.chain().toArray()), PUBLIC_FILE);
            write(out.resolve("ca.pem"), Pem.encode(roots.toArray()), PUBLIC_FILE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write certificates to " + out, e);
        }
    }

    private static EmbeddedCa load(Path certFile, Path keyFile) throws IOException {
        X509Certificate root = Pem.certificates(Files.readString(certFile, StandardCharsets.US_ASCII)).getFirst();
        String trustDomain;
        try {
            trustDomain = CaRoots.trustDomainOf(root);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the CA root in the state directory: " + e.getMessage(), e);
        }
        return new EmbeddedCa(trustDomain, root, Pem.privateKey(Files.readString(keyFile, StandardCharsets.US_ASCII)));
    }

    private static void requireOwnerOnly(Path path) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
        for (PosixFilePermission permission : permissions) {
            if (permission.name().startsWith("GROUP_") || permission.name().startsWith("OTHERS_")) {
                throw new IllegalStateException(path + " is open to other users ("
                        + PosixFilePermissions.toString(permissions) + "); it holds the CA key: chmod "
                        + (Files.isDirectory(path) ? "700" : "600") + " it");
            }
        }
        String owner = Files.getOwner(path).getName();
        if (!owner.equals(System.getProperty("user.name"))) {
            throw new IllegalStateException(path + " belongs to " + owner + ", not to this user");
        }
    }

    private static void writePrivate(Path file, String text) throws IOException {
        write(file, text, OWNER_ONLY_FILE);
    }

    // Written beside the target with its final permissions, then renamed over it: readers see all or nothing.
    private static void write(Path file, String text, Set<PosixFilePermission> permissions) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(permissions));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("temporary file already exists: " + temp, e);
        }
        try {
            Files.writeString(temp, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
