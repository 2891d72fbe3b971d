/// The OpenAPI 3.1 description served at /openapi.yaml. A test checks that it lists exactly the
/// router's operations, and the fuzz suites generate requests from its schemas, so every body and
/// parameter a route reads is described here with its limits.
enum OpenAPIDocument {
    static let yaml = """
        openapi: 3.1.0
        info:
          title: Kura
          version: "0.1"
          description: Retrieval for RAG on Kubernetes. Errors are JSON; Kura routes answer {"error":{"message","type"}}, KAITO routes {"detail"}. A field of the wrong type or out of range is 400 naming it (422 on KAITO routes).
        components:
          securitySchemes:
            bearer: {type: http, scheme: bearer}
          responses:
            Invalid: {description: a field of the wrong type or out of range, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
            Detail: {description: invalid, content: {application/json: {schema: {$ref: "#/components/schemas/Detail"}}}}
            Full: {description: the disk is full; nothing was written, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
          schemas:
            Error:
              type: object
              properties:
                error: {type: object, properties: {message: {type: string}, type: {type: string}}}
            Detail:
              type: object
              properties: {detail: {type: string}}
            Query:
              type: object
              properties:
                query: {type: string}
                vector: {type: array, items: {type: number}}
                k: {type: integer, default: 10, minimum: 1, maximum: 1000}
                mode: {type: string, enum: [dense, lexical, hybrid]}
                filter: {type: object}
                ef: {type: integer, minimum: 1, maximum: 10000}
                mmr_lambda: {type: number, minimum: 0, maximum: 1, description: "diversify with maximal marginal relevance"}
                budget_tokens: {type: integer, default: 1024, minimum: 1, maximum: 1048576}
            Document:
              type: object
              required: [id, text]
              properties:
                id: {type: string}
                text: {type: string}
                metadata: {type: object}
                vector: {type: array, items: {type: number}, description: "the document as one chunk with this vector"}
                chunks:
                  type: array
                  minItems: 1
                  description: "chunks cut and embedded by the client (kura ingest --url --embed-locally); needs the body's embedder"
                  items: {$ref: "#/components/schemas/Chunk"}
                content_hash: {type: string, pattern: "^[0-9a-f]{64}$", description: "SHA-256 naming the content; an upsert with the stored hash is unchanged"}
            Chunk:
              type: object
              required: [text, start, end, vector]
              properties:
                text: {type: string, description: "exactly the document's text from start to end"}
                start: {type: integer, minimum: 0, description: "offset in Unicode scalars"}
                end: {type: integer, minimum: 0, description: "exclusive; start <= end <= the text's length"}
                token_count: {type: integer, minimum: 0}
                metadata: {type: object}
                vector: {type: array, items: {type: number}, description: "the collection's dimension"}
            KAITODocument:
              type: object
              required: [text]
              properties:
                doc_id: {type: string}
                text: {type: string}
                metadata: {type: object}
            JSONRPC:
              type: object
              required: [jsonrpc, method]
              properties:
                jsonrpc: {type: string, enum: ["2.0"]}
                id: {oneOf: [{type: string}, {type: integer}]}
                method: {type: string, enum: [initialize, ping, tools/list, tools/call, notifications/initialized]}
                params:
                  type: object
                  properties:
                    protocolVersion: {type: string}
                    name: {type: string, enum: [search, get_context, list_collections]}
                    arguments:
                      type: object
                      properties:
                        collection: {type: string}
                        query: {type: string}
                        k: {type: integer, minimum: 1, maximum: 1000}
                        budget_tokens: {type: integer, minimum: 1, maximum: 1048576}
                        mode: {type: string, enum: [dense, lexical, hybrid]}
                        mmr_lambda: {type: number, minimum: 0, maximum: 1}
                        filter: {type: object}
        security:
          - bearer: []
        paths:
          /healthz:
            get: {summary: Alive, security: [], responses: {"200": {description: ok}}}
          /readyz:
            get: {summary: Store open, security: [], responses: {"200": {description: ready}, "503": {description: not ready}}}
          /mcp:
            post:
              summary: MCP over streamable HTTP (stateless JSON); tools search, get_context, list_collections
              requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/JSONRPC"}}}}
              responses: {"200": {description: JSON-RPC answer}, "202": {description: notification accepted}, "400": {description: not a JSON-RPC message}}
          /metrics:
            get: {summary: Prometheus metrics, responses: {"200": {description: exposition text}}}
          /openapi.yaml:
            get: {summary: This document, responses: {"200": {description: OpenAPI YAML}}}
          /v1/collections:
            get: {summary: List collections, responses: {"200": {description: "{collections}"}}}
            post:
              summary: Create a collection
              requestBody: {content: {application/json: {schema: {type: object, required: [name], properties: {name: {type: string}, dimension: {type: integer, minimum: 1, maximum: 65536}, metric: {type: string, enum: [cosine, ip, l2]}, analyzer: {type: string, enum: [standard, standard-nostem, ja, cjk, auto], default: auto}, embedder: {type: string, minLength: 1, maxLength: 256, description: "the embedder of the vectors clients will send, when not the server's; needs dimension"}}}}}}
              responses: {"201": {description: created}, "400": {$ref: "#/components/responses/Invalid"}, "409": {description: exists}}
          /v1/collections/{name}:
            parameters: [{name: name, in: path, required: true, schema: {type: string}}]
            get: {summary: A collection and its stats, responses: {"200": {description: ok}, "404": {description: unknown}}}
            delete: {summary: Delete a collection, responses: {"200": {description: deleted}, "404": {description: unknown}}}
          /v1/collections/{name}/documents:
            parameters: [{name: name, in: path, required: true, schema: {type: string}}]
            get:
              summary: List documents
              parameters: [{name: limit, in: query, schema: {type: integer, default: 100, minimum: 1, maximum: 1000}}, {name: cursor, in: query, schema: {type: integer, minimum: 0}}]
              responses: {"200": {description: "{documents, next_cursor}"}, "400": {$ref: "#/components/responses/Invalid"}}
            post:
              summary: Upsert documents (raw text is chunked and embedded; records may carry a vector, or chunks with vectors)
              requestBody: {content: {application/json: {schema: {type: object, required: [documents], properties: {documents: {type: array, items: {$ref: "#/components/schemas/Document"}}, embedder: {type: string, description: "the embedder that made the chunks' vectors; must be the collection's"}}}}}}
              responses: {"200": {description: "{written, unchanged}"}, "400": {$ref: "#/components/responses/Invalid"}, "413": {description: too large}, "507": {$ref: "#/components/responses/Full"}}
          /v1/collections/{name}/files:
            parameters: [{name: name, in: path, required: true, schema: {type: string}}]
            post:
              summary: Upload one document file (PDF, Word, PowerPoint, OpenDocument, EPUB, text), read by the loaders kura ingest uses; chunks carry page_start/page_end (PDF) or slide
              parameters: [{name: id, in: query, schema: {type: string, minLength: 1, maxLength: 1024}, description: "the document id (default: the file name)"}, {name: filename, in: query, schema: {type: string, maxLength: 255}, description: "names a raw body; its extension gives the format"}]
              requestBody:
                content:
                  multipart/form-data: {schema: {type: object, required: [file], properties: {file: {type: string, format: binary}, id: {type: string}}}}
                  application/pdf: {schema: {type: string, format: binary}}
                  application/vnd.openxmlformats-officedocument.wordprocessingml.document: {schema: {type: string, format: binary}}
                  application/epub+zip: {schema: {type: string, format: binary}}
                  text/plain: {schema: {type: string}}
              responses: {"200": {description: "{written, unchanged}"}, "400": {$ref: "#/components/responses/Invalid"}, "404": {description: unknown}, "413": {description: too large}, "415": {description: not a format Kura reads}, "507": {$ref: "#/components/responses/Full"}}
          /v1/collections/{name}/documents/{id}:
            parameters: [{name: name, in: path, required: true, schema: {type: string}}, {name: id, in: path, required: true, schema: {type: string}}]
            get: {summary: One document, responses: {"200": {description: ok}, "404": {description: unknown}}}
            delete: {summary: Delete one document, responses: {"200": {description: deleted}, "404": {description: unknown}}}
          /v1/collections/{name}/query:
            parameters: [{name: name, in: path, required: true, schema: {type: string}}]
            post:
              summary: Search
              requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Query"}}}}
              responses: {"200": {description: "{results: [{chunk_id, document_id, text, score, metadata, start, end, and page_start and page_end (PDF) or slide (presentations) when the document has them}]}"}, "400": {$ref: "#/components/responses/Invalid"}, "404": {description: unknown}}
          /v1/collections/{name}/context:
            parameters: [{name: name, in: path, required: true, schema: {type: string}}]
            post:
              summary: Context within a token budget, with citations; a budget too small for any passage is 400 naming the smallest useful one
              requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Query"}}}}
              responses: {"200": {description: "{context, tokens, citations: [{n, document_id, chunk_ids, start, end, score, metadata, page_start, page_end or slide when the document has them}]}"}, "400": {$ref: "#/components/responses/Invalid"}, "404": {description: unknown}}
          /v1/chat/completions:
            post:
              summary: OpenAI chat completions; with index_name or collection, retrieval-augmented
              requestBody:
                content:
                  application/json:
                    schema:
                      type: object
                      required: [messages]
                      properties:
                        model: {type: string}
                        messages: {type: array, minItems: 1, items: {type: object, required: [role], properties: {role: {type: string}, content: {type: string}}}}
                        index_name: {type: string}
                        collection: {type: string}
                        context_token_ratio: {type: number, minimum: 0.2, maximum: 0.8}
                        stream: {type: boolean}
                        n: {type: integer, minimum: 1, maximum: 128}
                        max_tokens: {type: integer, minimum: 1, maximum: 1073741824}
                        max_completion_tokens: {type: integer, minimum: 1, maximum: 1073741824}
              responses: {"200": {description: ChatCompletion with source_nodes, or SSE}, "400": {$ref: "#/components/responses/Invalid"}, "502": {description: the model server failed, named in the message}, "503": {description: no model server}}
          /v1/models:
            get: {summary: Models of the inference server, responses: {"200": {description: ok}, "502": {description: the model server failed}, "503": {description: no model server}}}
          /v1/embeddings:
            post:
              summary: Embeddings from Kura's embedder
              requestBody: {content: {application/json: {schema: {type: object, required: [input], properties: {input: {oneOf: [{type: string}, {type: array, maxItems: 2048, items: {type: string}}]}, model: {type: string}, dimensions: {type: integer, minimum: 1, maximum: 65536}}}}}}
              responses: {"200": {description: OpenAI embeddings list}, "400": {$ref: "#/components/responses/Invalid"}}
          /health:
            get: {summary: KAITO health, security: [], responses: {"200": {description: "{status: Healthy}"}}}
          /index:
            post:
              summary: KAITO index documents
              requestBody: {content: {application/json: {schema: {type: object, required: [index_name, documents], properties: {index_name: {type: string}, documents: {type: array, items: {$ref: "#/components/schemas/KAITODocument"}}}}}}}
              responses: {"200": {description: list of documents}, "422": {$ref: "#/components/responses/Detail"}, "507": {description: the disk is full}}
          /indexes:
            get: {summary: KAITO index names, responses: {"200": {description: names}}}
          /indexes/{index}:
            parameters: [{name: index, in: path, required: true, schema: {type: string}}]
            delete: {summary: KAITO delete index, responses: {"200": {description: deleted}, "404": {description: unknown}}}
          /indexes/{index}/documents:
            parameters: [{name: index, in: path, required: true, schema: {type: string}}]
            get:
              summary: KAITO list documents
              parameters: [{name: limit, in: query, schema: {type: integer, default: 10, minimum: 1, maximum: 100}}, {name: offset, in: query, schema: {type: integer, default: 0, minimum: 0}}, {name: max_text_length, in: query, schema: {type: integer, default: 1000, minimum: 1}}, {name: metadata_filter, in: query, schema: {type: string}}]
              responses: {"200": {description: "{documents, count, total_items}"}, "404": {description: unknown}, "422": {$ref: "#/components/responses/Detail"}}
            post:
              summary: KAITO update documents
              requestBody: {content: {application/json: {schema: {type: object, required: [documents], properties: {documents: {type: array, items: {$ref: "#/components/schemas/KAITODocument"}}}}}}}
              responses: {"200": {description: "{updated_documents, unchanged_documents, not_found_documents}"}, "404": {description: unknown}, "422": {$ref: "#/components/responses/Detail"}}
          /indexes/{index}/documents/delete:
            parameters: [{name: index, in: path, required: true, schema: {type: string}}]
            post:
              summary: KAITO delete documents
              requestBody: {content: {application/json: {schema: {type: object, required: [doc_ids], properties: {doc_ids: {type: array, items: {type: string}}}}}}}
              responses: {"200": {description: "{deleted_doc_ids, not_found_doc_ids}"}, "404": {description: unknown}, "422": {$ref: "#/components/responses/Detail"}}
          /persist/{index}:
            parameters: [{name: index, in: path, required: true, schema: {type: string}}, {name: path, in: query, schema: {type: string}}]
            post: {summary: KAITO snapshot an index, responses: {"200": {description: ok}, "404": {description: unknown}}}
          /load/{index}:
            parameters: [{name: index, in: path, required: true, schema: {type: string}}, {name: path, in: query, schema: {type: string}}, {name: overwrite, in: query, schema: {type: boolean}}]
            post: {summary: "KAITO load a snapshot: built aside, then put in place of the index in one step", responses: {"200": {description: ok}, "404": {description: no snapshot}, "409": {description: exists}}}
          /retrieve:
            post:
              summary: KAITO retrieve
              requestBody: {content: {application/json: {schema: {type: object, required: [index_name, query], properties: {index_name: {type: string}, query: {type: string}, max_node_count: {type: integer, default: 5, minimum: 1, maximum: 300}, metadata_filter: {type: object}}}}}}
              responses: {"200": {description: "{query, results, count}"}, "400": {description: empty query}, "404": {description: unknown}, "422": {$ref: "#/components/responses/Detail"}}

        """
}
