import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { documentAssistRoutes } from 'unipay-assist/openapi';
import { AddressInfo } from 'node:net';
import { AppModule } from './app.module.js';

/** A setting from the environment: the test starts this process with its simulators' addresses. */
function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const upstreams = {
  wechatBase: env('WECHAT_BASE'),
  alipayBase: env('ALIPAY_BASE'),
  alipayPrivateKeyFile: env('ALIPAY_PRIVATE_KEY_FILE'),
  alipayPublicKeyFile: env('ALIPAY_PUBLIC_KEY_FILE'),
};
// The host gateway as it runs in production: plain Node, ES modules, NestJS 12.
const app = await NestFactory.create(AppModule.register(upstreams), { logger: ['warn', 'error'] });
app.enableShutdownHooks();
documentAssistRoutes();
SwaggerModule.setup('docs', app, SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('host').build()));
await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
const { port } = app.getHttpServer().address() as AddressInfo;
// What this process really loaded: the test checks it is the ESM build.
console.log(JSON.stringify({ listening: `http://127.0.0.1:${port}`, assist: import.meta.resolve('unipay-assist') }));
