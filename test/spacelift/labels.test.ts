import t from 'tap';
import { dependsOn, parseDependsOn } from '../../src/spacelift/labels';

t.test('parseDependsOn reads both spellings of the key', async (t) => {
  t.same(parseDependsOn(['dependsOn:vpc']), ['vpc']);
  t.same(parseDependsOn(['depends-on:vpc']), ['vpc']);
  t.same(parseDependsOn(['dependsOn:vpc', 'depends-on:rds']), ['vpc', 'rds']);
});

t.test('the key is case-insensitive', async (t) => {
  for (const key of ['DependsOn', 'DEPENDSON', 'dependson', 'Depends-On', 'DEPENDS-ON', 'depends-ON']) {
    t.same(parseDependsOn([`${key}:vpc`]), ['vpc'], key);
  }
});

t.test('the stack ID is case-sensitive and kept as written', async (t) => {
  t.same(parseDependsOn(['dependsOn:VPC']), ['VPC']);
  t.same(parseDependsOn(['dependsOn:vpc', 'dependsOn:VPC']), ['vpc', 'VPC']);
  t.notOk(dependsOn(['dependsOn:NET'], 'net'));
  t.notOk(dependsOn(['dependsOn:net'], 'NET'));
});

t.test('comma lists are split, trimmed, and empties ignored', async (t) => {
  t.same(parseDependsOn(['dependsOn:a, b,,c']), ['a', 'b', 'c']);
  t.same(parseDependsOn(['DependsOn: eks , rds ']), ['eks', 'rds']);
  t.same(parseDependsOn(['dependsOn: , ,']), []);
  t.same(parseDependsOn(['dependsOn:']), []);
  t.same(parseDependsOn(['dependsOn:a,']), ['a']);
});

t.test('IDs are unique, in first-seen order', async (t) => {
  t.same(parseDependsOn(['dependsOn:b,a', 'depends-on:a', 'DEPENDSON: b , c']), ['b', 'a', 'c']);
});

t.test('a |state: suffix (reserved for conditional edges) is stripped from each item', async (t) => {
  t.same(parseDependsOn(['depends-on:vpc|state:FINISHED']), ['vpc']);
  t.same(parseDependsOn(['dependsOn:a|state:FAILED, b']), ['a', 'b']);
  t.same(parseDependsOn(['dependsOn:a|state:FAILED|x,b|state:FINISHED']), ['a', 'b']);
  t.same(parseDependsOn(['dependsOn:|state:FINISHED']), [], 'nothing before the bar means no ID');
  t.ok(dependsOn(['depends-on:net|state:FINISHED'], 'net'));
});

t.test('labels that are not dependency labels are ignored', async (t) => {
  t.same(
    parseDependsOn([
      'team:platform',
      'autoattach:aws-prod',
      'folder:network',
      'dependsOnvpc', // no colon
      'depends_on:vpc', // underscore is not one of the spellings
      'xdependsOn:vpc', // key must start the label
      'depends:vpc',
      'dependsOnX:vpc',
      '',
    ]),
    [],
  );
});

t.test('surrounding whitespace around the key is tolerated', async (t) => {
  t.same(parseDependsOn([' dependsOn :vpc']), ['vpc']);
});

t.test('dependsOn matches IDs exactly, never by substring', async (t) => {
  // The original system used a substring test, so dependsOn:net matched stacks depending on network.
  t.notOk(dependsOn(['dependsOn:network'], 'net'), 'network is not net');
  t.notOk(dependsOn(['dependsOn:net'], 'network'), 'net is not network');
  t.notOk(dependsOn(['dependsOn:netflix-vpc'], 'net'));
  t.notOk(dependsOn(['dependsOn:vpc-legacy'], 'vpc'));
  t.notOk(dependsOn(['dependsOn:old-vpc'], 'vpc'));
  t.notOk(dependsOn(['team:vpc'], 'vpc'), 'a non-dependency label that mentions the ID');
  t.notOk(dependsOn(['dependsOn:a,networking'], 'network'));
  t.ok(dependsOn(['dependsOn:network,net'], 'net'));
  t.ok(dependsOn(['dependsOn:net'], 'net'));
});

t.test('dependsOn with empty inputs', async (t) => {
  t.notOk(dependsOn([], 'vpc'));
  t.notOk(dependsOn(['dependsOn:'], ''), 'an empty ID never matches');
  t.notOk(dependsOn(['dependsOn:vpc'], ''));
});

t.test('stack IDs with dots, underscores and digits survive intact', async (t) => {
  t.same(parseDependsOn(['dependsOn:net-core-01, payments_api.v2']), ['net-core-01', 'payments_api.v2']);
});

t.test('the input array is not modified', async (t) => {
  const labels = Object.freeze(['dependsOn:a,b']);
  t.same(parseDependsOn(labels), ['a', 'b']);
  t.same(labels, ['dependsOn:a,b']);
});
