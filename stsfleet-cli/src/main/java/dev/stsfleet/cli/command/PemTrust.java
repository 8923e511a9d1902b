package dev.stsfleet.cli.command;

import dev.stsfleet.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Trusting an IdP's TLS certificate through a PEM file of CA (or self-signed) certificates. */
final class PemTrust {
    private PemTrust() {
    }

    /**
     * A TLS context trusting the certificates of the PEM file {@code pem} ({@code --idp-ca-file},
     * {@code x_stsfleet_saml_ca_file}).
     *
     * @throws InvalidInputException when the file cannot be read or holds no certificate
     */
    static SSLContext sslContext(Path pem) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(pem)))) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            if (i == 0) {
                throw new InvalidInputException("--idp-ca-file " + pem + " holds no certificate");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new InvalidInputException("--idp-ca-file " + pem + " cannot be read as PEM certificates: "
                    + e.getClass().getSimpleName());
        }
    }
}
