import { clusterSlot } from '../../src/redis/cluster-slot';

/** Slots as Redis' CLUSTER KEYSLOT gives them (values from the Cluster specification's examples). */
describe('clusterSlot', () => {
  it('hashes the whole key without a tag', () => {
    expect(clusterSlot('foo')).toBe(12182);
    expect(clusterSlot('hello')).toBe(866);
  });

  it('hashes only the first non-empty hash tag', () => {
    expect(clusterSlot('{foo}:claim')).toBe(12182);
    expect(clusterSlot('prefix:exchange:{foo}:result')).toBe(12182);
    expect(clusterSlot('a{}b')).toBe(clusterSlot('a{}b'));
    expect(clusterSlot('{}foo')).not.toBe(clusterSlot('foo'));
  });
});
