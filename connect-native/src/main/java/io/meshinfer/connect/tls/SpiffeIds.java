package io.meshinfer.connect.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.StringJoiner;

import io.meshinfer.connect.SpiffeId;

/** Reading identities out of certificates. Stateless. */
final class SpiffeIds {
    private static final int URI_SAN = 6;

    private SpiffeIds() {
    }

    /** The certificate's one URI SAN as a service SPIFFE ID; more than one, or none, is refused. */
    static SpiffeId of(X509Certificate certificate) {
        return SpiffeId.parse(uri(certificate));
    }

    /** The certificate's one URI SAN; more than one, or none, is refused. */
    static String uri(X509Certificate certificate) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("unreadable subject alternative names", e);
        }
        String uri = null;
        if (names != null) {
            for (List<?> name : names) {
                if (((Integer) name.get(0)) == URI_SAN) {
                    if (uri != null) {
                        throw new IllegalArgumentException("certificate has more than one URI SAN");
                    }
                    uri = (String) name.get(1);
                }
            }
        }
        if (uri == null) {
            throw new IllegalArgumentException("certificate has no URI SAN (no SPIFFE ID)");
        }
        return uri;
    }

    static String serial(X509Certificate certificate) {
        byte[] bytes = certificate.getSerialNumber().toByteArray();
        int start = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
        StringJoiner joined = new StringJoiner(":");
        HexFormat hex = HexFormat.of();
        for (int i = start; i < bytes.length; i++) {
            joined.add(hex.toHexDigits(bytes[i]));
        }
        return joined.toString();
    }
}
