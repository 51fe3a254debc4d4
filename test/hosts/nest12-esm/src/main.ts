import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { documentAssistRoutes } from 'unipay-assist/openapi';
import { AddressInfo } from 'node:net';
import { AppModule } from './app.module.js';

/** The host gateway as it runs in production: plain Node, ES modules, NestJS 12. */
const app = await NestFactory.create(AppModule.register(process.env.WECHAT_BASE!), { logger: ['warn', 'error'] });
app.enableShutdownHooks();
documentAssistRoutes();
SwaggerModule.setup('docs', app, SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('host').build()));
await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
const { port } = app.getHttpServer().address() as AddressInfo;
// What this process really loaded: the test checks it is the ESM build.
console.log(JSON.stringify({ listening: `http://127.0.0.1:${port}`, assist: import.meta.resolve('unipay-assist') }));
