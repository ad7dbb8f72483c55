package io.meshinfer.connect.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshinfer.connect.tls.LeafCert;
import io.meshinfer.connect.tls.Pem;

class StateDirectoryTest {
    @TempDir
    Path temp;

    @Test
    void theCaIsCreatedOnceAndKeptBehindOwnerOnlyPermissions() throws IOException {
        Path dir = temp.resolve("state");
        EmbeddedCa first = StateDirectory.open(dir).ca();
        EmbeddedCa again = StateDirectory.open(dir).ca();

        assertEquals(first.root(), again.root());
        assertEquals(first.trustDomain(), again.trustDomain());
        assertTrue(first.trustDomain().endsWith(".consul"));
        assertEquals("rwx------", mode(dir));
        assertEquals("rw-------", mode(dir.resolve("ca-key.pem")));
    }

    @Test
    void aCaKeyOpenToOtherUsersIsRefused() throws IOException {
        Path dir = temp.resolve("state");
        StateDirectory.open(dir).ca();
        Files.setPosixFilePermissions(dir.resolve("ca-key.pem"), PosixFilePermissions.fromString("rw-r--r--"));
        var e = assertThrows(IllegalStateException.class, () -> StateDirectory.open(dir).ca());
        assertTrue(e.getMessage().contains("open to other users"), e.getMessage());

        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThrows(IllegalStateException.class, () -> StateDirectory.open(dir));
    }

    @Test
    void twoStateDirectoriesAreTwoTrustDomains() {
        assertNotEquals(StateDirectory.open(temp.resolve("a")).ca().trustDomain(),
                StateDirectory.open(temp.resolve("b")).ca().trustDomain());
    }

    @Test
    void callerFilesAreTheThreeFilesCurlNeedsWithThePrivateKeyOwnerOnly() throws IOException {
        EmbeddedCa ca = StateDirectory.open(temp.resolve("state")).ca();
        LeafCert web = ca.issue("web", List.of(), List.of());
        Path out = temp.resolve("certs");
        StateDirectory.writeCallerFiles(out, web, List.of(ca.root()));

        assertEquals("rw-------", mode(out.resolve("key.pem")));
        assertTrue(Files.readString(out.resolve("key.pem")).startsWith("-----BEGIN PRIVATE KEY-----"));
        LeafCert read = LeafCert.fromPem(Files.readString(out.resolve("cert.pem")),
                Files.readString(out.resolve("key.pem")));
        assertEquals(ca.idOf("web"), read.id());
        assertEquals(List.of(ca.root()), Pem.certificates(Files.readString(out.resolve("ca.pem"))));
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
