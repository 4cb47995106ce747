export * from './version.ts';
export * from './schemas.ts';
export * from './views.ts';
export * from './events.ts';
export * from './commands.ts';
export * from './frames.ts';
export * from './reduce-view.ts';
export * from './describe-event.ts';
