import { ConfigurableModuleBuilder } from '@nestjs/common';
import { AssistModuleExtras, AssistModuleOptions, DEFAULT_ROUTE_PREFIX } from './assist.options';

export const {
  ConfigurableModuleClass: AssistConfigurableModule,
  MODULE_OPTIONS_TOKEN: ASSIST_MODULE_OPTIONS,
  OPTIONS_TYPE: ASSIST_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: ASSIST_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<AssistModuleOptions>({ moduleName: 'UnipayAssist' })
  .setClassMethodName('forRoot')
  .setExtras<AssistModuleExtras>(
    { isGlobal: false, routePrefix: DEFAULT_ROUTE_PREFIX },
    // Extras are applied in AssistModule.forRoot*, which needs them to build the controller.
    (definition) => definition,
  )
  .build();
