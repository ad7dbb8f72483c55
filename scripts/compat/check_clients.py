"""Checks that the clients TEI users already have work unchanged against a running meshinfer.

Start the server first with the three models this script addresses:

    ./meshinfer serve --plaintext --model minilm=builtin:all-MiniLM-L6-v2 \
        --model cls=testdata/models/tiny-classifier --model rr=testdata/models/tiny-reranker

(--plaintext: the clients here speak plain HTTP; the mTLS listener would refuse them.)

then run: python scripts/compat/check_clients.py [http://127.0.0.1:8080]
Needs: pip install -r scripts/compat/requirements.txt. Exits non-zero on the first mismatch.
"""
import sys

import numpy as np
from huggingface_hub import InferenceClient
from openai import BadRequestError, NotFoundError, OpenAI

base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"

hf = InferenceClient(base_url=base)
vector = np.asarray(hf.feature_extraction("What is Deep Learning?"))
assert vector.shape == (1, 384), vector.shape
assert abs(np.linalg.norm(vector[0]) - 1) < 1e-5
print("InferenceClient.feature_extraction: ok", vector.shape)

scores = hf.sentence_similarity("a cat", other_sentences=["a kitten", "a truck"])
assert len(scores) == 2 and scores[0] > scores[1], scores
print("InferenceClient.sentence_similarity: ok", scores)

labels = InferenceClient(base_url=base + "/models/cls").text_classification("I love it")
# huggingface_hub versions differ: a list of labels, or the best one alone.
best = labels[0] if isinstance(labels, list) else labels
assert best.label in {"negative", "neutral", "positive"}, labels
print("InferenceClient.text_classification: ok", best)

# The pipeline parameters it sends inside `parameters`: the best label alone, and the logits (through a sigmoid,
# which keeps their order, the same label comes first).
cls = InferenceClient(base_url=base + "/models/cls")
top = cls.text_classification("I love it", top_k=1)
top = top if isinstance(top, list) else [top]
assert len(top) == 1 and top[0].label == best.label, top
logit = cls.text_classification("I love it", function_to_apply="none")
logit = logit[0] if isinstance(logit, list) else logit
sigmoid = cls.text_classification("I love it", function_to_apply="sigmoid")
sigmoid = sigmoid[0] if isinstance(sigmoid, list) else sigmoid
assert logit.label == sigmoid.label == best.label, (logit, sigmoid)
assert abs(sigmoid.score - 1 / (1 + np.exp(-logit.score))) < 1e-5, (logit, sigmoid)
print("InferenceClient.text_classification(top_k, function_to_apply): ok", top[0], logit, sigmoid)

# The OpenAI client asks for base64 unless told otherwise and decodes it itself.
openai = OpenAI(base_url=base + "/v1", api_key="unused")
answer = openai.embeddings.create(input=["hello", "world"], model="minilm")
assert len(answer.data) == 2 and len(answer.data[0].embedding) == 384
assert answer.usage.prompt_tokens == answer.usage.total_tokens > 0
floats = openai.embeddings.create(input="hello", model="minilm", encoding_format="float")
assert np.allclose(floats.data[0].embedding, answer.data[0].embedding, atol=1e-7)
print("OpenAI embeddings (base64 and float): ok", answer.usage)

for bad, error in (({"input": [], "model": "minilm"}, BadRequestError),
                   ({"input": "x", "model": "nope"}, NotFoundError)):
    try:
        openai.embeddings.create(**bad)
        raise AssertionError(f"{bad} was accepted")
    except error as e:
        assert e.body and "message" in e.body, e.body
print("OpenAI errors: ok")
print("all clients ok")
