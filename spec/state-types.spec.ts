import { expect } from 'chai';
import type { Middleware, ParameterizedContext } from 'koa';
import type { HealthCheckState, RejectReason } from '../src';
import { healthChecks } from '../src';
import { appWith, client, NO_TOKEN, withEnv } from './helpers';

// Compile-time checks: this file is type-checked by `npm run typecheck` and by ts-node when the suite runs, so a
// change to the DefaultState augmentation that breaks these lines fails the build.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | void {}

assertType<Equal<ParameterizedContext['state']['healthCheck'], HealthCheckState | undefined>>();
assertType<Equal<HealthCheckState['via'], 'header' | 'localAddress' | 'exemptPath' | null>>();
assertType<Equal<HealthCheckState['host'], string | null>>();
assertType<Equal<HealthCheckState['wouldReject'], RejectReason | undefined>>();

const readsTypedState: Middleware = (ctx) => {
  const probe: boolean | undefined = ctx.state.healthCheck?.probe;
  // @ts-expect-error: via is a closed union, not any string
  const via: 'cookie' | undefined = ctx.state.healthCheck?.via;
  ctx.body = { probe, via };
};

describe('ctx.state.healthCheck', () => {
  it('is typed on Koa contexts, and holds what its type says', async () => {
    const middleware = withEnv(NO_TOKEN, () => healthChecks({ configFile: false, allowedHosts: ['a.com'] }));
    const app = appWith([middleware, readsTypedState]);
    const response = await client(app).get('/').set('Host', 'a.com').expect(200);
    expect(response.body).to.deep.equal({ probe: false, via: null });
  });
});
