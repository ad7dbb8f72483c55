package io.meshinfer.models.discovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.meshinfer.models.ModelException;
import io.meshinfer.models.Pooling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DirectoryConfigReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsASentenceTransformersDirectory() throws IOException {
        write("config.json", "{\"architectures\": [\"BertModel\"], \"model_type\": \"bert\", "
                + "\"max_position_embeddings\": 512, \"vocab_size\": 30522}");
        write("tokenizer_config.json", "{\"model_max_length\": 512}");
        write("sentence_bert_config.json", "{\"max_seq_length\": 256}");
        write("modules.json", "[{\"idx\":0,\"path\":\"\",\"type\":\"sentence_transformers.models.Transformer\"},"
                + "{\"idx\":1,\"path\":\"1_Pooling\",\"type\":\"sentence_transformers.models.Pooling\"},"
                + "{\"idx\":2,\"path\":\"2_Normalize\",\"type\":\"sentence_transformers.models.Normalize\"}]");
        write("1_Pooling/config.json", "{\"pooling_mode_mean_tokens\": true}");

        DirectoryConfig c = DirectoryConfigReader.read(dir);
        assertEquals(List.of("BertModel"), c.architectures());
        assertEquals(Optional.of(Pooling.MEAN), c.pooling());
        assertTrue(c.normalizeModule());
        assertTrue(c.sentenceTransformers());
        assertEquals(Optional.of(256), c.sentenceMaxLength());
        assertEquals(Optional.of(512), c.tokenizerMaxLength());
        assertTrue(c.poolingIncludesPrompt(), "sentence-transformers' default");
        write("1_Pooling/config.json", "{\"pooling_mode_mean_tokens\": true, \"include_prompt\": false}");
        assertFalse(DirectoryConfigReader.read(dir).poolingIncludesPrompt());
    }

    @Test
    void theNoLimitSentinelOfTransformersIsNoLimit() throws IOException {
        write("config.json", "{}");
        write("tokenizer_config.json", "{\"model_max_length\": 1000000000000000019884624838656}");
        assertEquals(Optional.empty(), DirectoryConfigReader.read(dir).tokenizerMaxLength());
    }

    @Test
    void poolingModesMapToTheirNames() throws IOException {
        write("config.json", "{}");
        write("modules.json", "[{\"path\":\"p\",\"type\":\"sentence_transformers.models.Pooling\"}]");
        for (String[] mode : new String[][] {{"pooling_mode_cls_token", "CLS"}, {"pooling_mode_max_tokens", "MAX"},
                {"pooling_mode_lasttoken", "LAST_TOKEN"}}) {
            write("p/config.json", "{\"" + mode[0] + "\": true}");
            assertEquals(Pooling.valueOf(mode[1]), DirectoryConfigReader.read(dir).pooling().orElseThrow());
        }
        write("p/config.json", "{\"pooling_mode_weightedmean_tokens\": true}");
        assertThrows(ModelException.class, () -> DirectoryConfigReader.read(dir));
        write("p/config.json", "{\"pooling_mode_cls_token\": false, \"pooling_mode_mean_tokens\": true}");
        assertEquals(Pooling.MEAN, DirectoryConfigReader.read(dir).pooling().orElseThrow(),
                     "a mode set to false is not enabled");
        write("p/config.json", "{\"pooling_mode_cls_token\": true, \"pooling_mode_mean_tokens\": true}");
        ModelException both = assertThrows(ModelException.class, () -> DirectoryConfigReader.read(dir));
        assertTrue(both.getMessage().contains("pooling_mode_cls_token and pooling_mode_mean_tokens"),
                   both.getMessage());
    }

    /** sentence-transformers 5 writes one {@code pooling_mode} key, a name or a list, instead of a flag per mode. */
    @Test
    void theSentenceTransformers5PoolingModeKeyIsRead() throws IOException {
        write("config.json", "{}");
        write("modules.json", "[{\"path\":\"1_Pooling\",\"type\":"
                + "\"sentence_transformers.sentence_transformer.modules.pooling.Pooling\"},"
                + "{\"path\":\"2_Dense\",\"type\":\"sentence_transformers.base.modules.dense.Dense\"}]");
        for (String[] mode : new String[][] {{"\"cls\"", "CLS"}, {"\"mean\"", "MEAN"}, {"\"max\"", "MAX"},
                {"\"lasttoken\"", "LAST_TOKEN"}, {"[\"mean\"]", "MEAN"}}) {
            write("1_Pooling/config.json", "{\"embedding_dimension\": 16, \"pooling_mode\": " + mode[0]
                    + ", \"include_prompt\": false}");
            DirectoryConfig c = DirectoryConfigReader.read(dir);
            assertEquals(Pooling.valueOf(mode[1]), c.pooling().orElseThrow(), mode[0]);
            assertFalse(c.poolingIncludesPrompt());
            assertEquals(List.of("Dense (2_Dense)"), c.graphOnlyModules());
        }
        write("1_Pooling/config.json", "{\"pooling_mode\": \"weightedmean\"}");
        assertThrows(ModelException.class, () -> DirectoryConfigReader.read(dir));
        write("1_Pooling/config.json", "{\"pooling_mode\": [\"cls\", \"mean\"]}");
        ModelException both = assertThrows(ModelException.class, () -> DirectoryConfigReader.read(dir));
        assertTrue(both.getMessage().contains("cls and mean"), both.getMessage());
    }

    @Test
    void onlyALastNormalizeMakesTheOutputUnitLength() throws IOException {
        write("config.json", "{}");
        write("1_Pooling/config.json", "{\"pooling_mode\": \"mean\"}");
        write("modules.json", "[{\"path\":\"\",\"type\":\"sentence_transformers.models.Transformer\"},"
                + "{\"path\":\"1_Pooling\",\"type\":\"sentence_transformers.models.Pooling\"},"
                + "{\"path\":\"2_Normalize\",\"type\":\"sentence_transformers.models.Normalize\"},"
                + "{\"path\":\"3_Dense\",\"type\":\"sentence_transformers.models.Dense\"}]");
        DirectoryConfig c = DirectoryConfigReader.read(dir);
        assertFalse(c.normalizeModule());
        assertEquals(List.of("Dense (3_Dense)"), c.graphOnlyModules());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sentence_transformers.sparse_encoder.modules.SpladePooling",
            "sentence_transformers.models.Router", "sentence_transformers.models.Asym",
            "sentence_transformers.models.StaticEmbedding", "sentence_transformers.models.CLIPModel"})
    void aSparseRoutedStaticOrImageModelIsRefusedByItsModule(String type) throws IOException {
        write("config.json", "{\"architectures\": [\"BertForMaskedLM\"]}");
        write("modules.json", "[{\"path\":\"\",\"type\":\"sentence_transformers.models.Transformer\"},"
                + "{\"path\":\"1_Module\",\"type\":\"" + type + "\"}]");
        ModelException e = assertThrows(ModelException.class, () -> DirectoryConfigReader.read(dir));
        assertTrue(e.getMessage().contains(type.substring(type.lastIndexOf('.') + 1) + " module (1_Module)"),
                   e.getMessage());
    }

    @Test
    void labelsAreOrderedById() throws IOException {
        write("config.json", "{\"id2label\": {\"1\": \"pos\", \"0\": \"neg\"}, "
                + "\"problem_type\": \"multi_label_classification\"}");
        DirectoryConfig c = DirectoryConfigReader.read(dir);
        assertEquals(List.of("neg", "pos"), c.labels());
        assertTrue(c.multiLabel());
    }

    @Test
    void malformedOrMissingConfigIsAClearError() throws IOException {
        ModelException missing = assertThrows(ModelException.class, () -> DirectoryConfigReader.read(dir));
        assertTrue(missing.getMessage().contains("config.json"), missing.getMessage());
        write("config.json", "{not json");
        ModelException malformed = assertThrows(ModelException.class, () -> DirectoryConfigReader.read(dir));
        assertTrue(malformed.getMessage().contains("cannot parse"), malformed.getMessage());
    }

    @Test
    void withoutModulesJsonThereIsNoPoolingAndNoNormalize() throws IOException {
        write("config.json", "{}");
        DirectoryConfig c = DirectoryConfigReader.read(dir);
        assertFalse(c.sentenceTransformers());
        assertEquals(Optional.empty(), c.pooling());
    }

    private void write(String file, String content) throws IOException {
        Path p = dir.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }
}
