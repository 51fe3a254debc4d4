import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { documentAssistRoutes } from 'unipay-assist/openapi';

/**
 * `/docs` (Swagger UI), `/docs-json` (OpenAPI 3) and `/docs-yaml` for the
 * demo, built the way a host builds its own document: the module's routes
 * come in with it.
 */
export function setupDemoDocs(app: INestApplication): void {
  documentAssistRoutes();
  const config = new DocumentBuilder()
    .setTitle('unipay assist (demo gateway)')
    .setDescription(
      'WeChat OAuth relay for payment-gateway merchants, wire-compatible with DaxPay. ' +
        'Every answer is HTTP 200 with the envelope {code, msg, data, traceId}; see each route for its error codes.',
    )
    .setVersion('1')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    swaggerUiEnabled: canServeUi(app),
  });
}

/**
 * On Fastify the UI's files are served by @fastify/static, whose current
 * release needs require() of an ES module: fine in Node >= 20.19, not inside
 * jest's module loader. Without it the demo still serves the JSON and YAML.
 */
function canServeUi(app: INestApplication): boolean {
  if (app.getHttpAdapter().getType() !== 'fastify') return true;
  try {
    // Loading it (not resolving it) is the test: inside jest's loader require() of its ES module fails.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a load test, not an import
    require('@fastify/static');
    return true;
  } catch {
    return false;
  }
}
