import request from 'supertest';
import { Course } from '../../src/courses/course.model';
import { forgetCourseDirectory } from '../../src/courses/course-directory';
import { startTestApp } from '../support/test-app';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

describe('site pages', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp('pages');
  });
  afterAll(() => test.close());

  describe('GET /', () => {
    it('renders the layout with a skip link, a language switcher and the empty catalogue', async () => {
      const response = await request(test.app).get('/').expect(200);
      expect(response.headers['content-type']).toMatch(/text\/html/);
      expect(response.text).toContain('<html lang="en">');
      expect(response.text).toContain('href="#main"');
      expect(response.text).toContain('<main id="main"');
      expect(response.text).toContain('lang="zh-Hans"');
      expect(response.text).toContain('简体中文');
      expect(response.text).toContain('No course is published yet');
    });

    it('lists published courses and hides unpublished ones', async () => {
      await Course.create([
        {
          slug: 'visible',
          title: { en: 'Visible <course>', zh: '可见课程' },
          summary: { en: 'S', zh: '摘要' },
          level: 'beginner',
          minutes: 30,
          moduleCount: 3,
          isPublished: true,
          currentVersion: 1,
          contentHash: 'a',
        },
        {
          slug: 'hidden',
          title: { en: 'Hidden course', zh: '隐藏' },
          summary: { en: 'S', zh: 'S' },
          level: 'advanced',
          minutes: 30,
          moduleCount: 3,
          isPublished: false,
          currentVersion: 1,
          contentHash: 'b',
        },
      ]);
      forgetCourseDirectory(); // written behind the publisher's back
      const response = await request(test.app).get('/').expect(200);
      expect(response.text).toContain('Visible &lt;course&gt;');
      expect(response.text).toContain('href="/courses/visible"');
      expect(response.text).not.toContain('Hidden course');
      await Course.deleteMany({});
      forgetCourseDirectory();
    });

    it('switches to Simplified Chinese with ?lang=zh-CN and remembers it in a cookie', async () => {
      const agent = request.agent(test.app);
      const first = await agent.get('/?lang=zh-CN').expect(200);
      expect(first.text).toContain('<html lang="zh-Hans">');
      expect(first.text).toContain('采购学院');
      expect(first.headers['set-cookie']?.[0]).toMatch(/^lang=zh-CN;.*HttpOnly/);
      const second = await agent.get('/').expect(200);
      expect(second.text).toContain('<html lang="zh-Hans">');
    });

    it('follows Accept-Language when no choice was made', async () => {
      const response = await request(test.app).get('/').set('Accept-Language', 'zh-CN,zh;q=0.9,en;q=0.5').expect(200);
      expect(response.text).toContain('<html lang="zh-Hans">');
    });

    it('sends security headers and a request id', async () => {
      const response = await request(test.app).get('/').set('X-Request-Id', 'abc-123').expect(200);
      expect(response.headers['x-request-id']).toBe('abc-123');
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
      const generated = await request(test.app).get('/').set('X-Request-Id', '<script>').expect(200);
      expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('unknown pages', () => {
    it('renders the 404 page in the layout', async () => {
      const response = await request(test.app).get('/no/such/page').expect(404);
      expect(response.text).toContain('Page not found');
      expect(response.text).toContain('href="#main"');
    });

    it('answers JSON to API callers', async () => {
      const response = await request(test.app).get('/no/such/page').set('Accept', 'application/json').expect(404);
      expect(response.body.error.status).toBe(404);
    });

    it('shows the 404 page in Chinese', async () => {
      const response = await request(test.app).get('/missing?lang=zh-CN').expect(404);
      expect(response.text).toContain('页面未找到');
    });
  });

  describe('static assets', () => {
    it('serves the stylesheet', async () => {
      const response = await request(test.app).get('/static/css/site.css').expect(200);
      expect(response.headers['content-type']).toMatch(/text\/css/);
    });
  });
});

describe('request limits', () => {
  let test: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    test = await startTestApp('limits');
  });
  afterAll(() => test.close());

  it('answers 414 to an over-long query string, in the layout, without a stack trace', async () => {
    const response = await request(test.app)
      .get(`/courses?q=${'a'.repeat(3000)}`)
      .expect(414);
    expect(response.text).toContain('The address is too long');
    expect(response.text).not.toMatch(/at \w+ \(/);
  });

  it('answers 413 to a form body over 100 kB', async () => {
    const response = await request(test.app)
      .post('/login')
      .type('form')
      .send(`email=${'a'.repeat(200 * 1024)}`);
    expect(response.status).toBe(413);
  });
});
